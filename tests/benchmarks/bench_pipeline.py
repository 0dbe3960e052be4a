"""Benchmark (not a test): each stage of the pipeline on a synthetic archive.

    python tests/benchmarks/bench_pipeline.py --mentions 1000000 [--days 7] [--brands 60] [--flow]

Generates a twcs-layout CSV of realistic shape (customers' mentions addressed to
brands, ~80 % answered after a log-normal delay, some tweets answering brand
posts), then times read, validate, warehouse write, measure and publish with
the same functions the flows call, and prints peak resident memory after each
stage. `--flow` also times the whole backfill flow on a fresh store, so the
difference shows Prefect's own overhead.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from tasks.ingest.adapters import read_archive
from tasks.ingest.policy import load_policy
from tasks.ingest.validation import run_suite, with_check_columns
from tasks.metrics.definitions import report_status
from tasks.metrics.period import MeasureRules, measure_period
from tasks.metrics.registry import BrandRegistry
from tasks.model.periods import period_of
from tasks.model.windows import window_for
from tasks.render.files import day_files
from tasks.render.headline import headline
from tasks.store.backends import open_storage
from tasks.store.publish import publish_report
from tasks.store.warehouse import days_with_mentions, load_window, write_parts

START = datetime(2017, 10, 1, tzinfo=UTC)
TWITTER = "%a %b %d %H:%M:%S +0000 %Y"
MAX_DELAY_DAYS = 20


def synthetic_twcs(mentions: int, days: int, brands: int, seed: int = 7) -> bytes:
    """Inbound mentions plus the brands' replies, as the Customer Support on Twitter CSV."""
    rng = np.random.default_rng(seed)
    handles = np.array([f"Brand{b:03d}Help" for b in range(brands)])
    brand_of = rng.zipf(1.6, mentions) % brands
    created_s = int(START.timestamp()) + rng.integers(0, days * 86400, mentions)
    answered = rng.random(mentions) < 0.8
    # median ~18 min, long tail, capped so every reply precedes the collection day
    delay = np.minimum(np.exp(rng.normal(7.0, 1.6, mentions)), MAX_DELAY_DAYS * 86400).astype(np.int64)
    ids = np.arange(1, mentions + 1)
    texts = np.array(
        [
            "@{b} my order never arrived, still waiting",
            "@{b} thanks, that fixed it!",
            "@{b} what time do you open on Sunday?",
            "@{b} on hold for 2 hours, this is ridiculous",
        ]
    )
    text_choice = rng.integers(0, len(texts), mentions)
    inbound = pl.DataFrame(
        {
            "tweet_id": ids.astype(str),
            "author_id": (rng.integers(100_000, 100_000 + mentions // 3, mentions)).astype(str),
            "inbound": "True",
            "created_at": pl.from_epoch(pl.Series(created_s), time_unit="s"),
            "text": [texts[t].format(b=handles[b]) for t, b in zip(text_choice, brand_of, strict=False)],
            "response_tweet_id": None,
            "in_response_to_tweet_id": None,
        },
        schema_overrides={"response_tweet_id": pl.String, "in_response_to_tweet_id": pl.String},
    )
    n_replies = int(answered.sum())
    replies = pl.DataFrame(
        {
            "tweet_id": (mentions + 1 + np.arange(n_replies)).astype(str),
            "author_id": handles[brand_of[answered]],
            "inbound": "False",
            "created_at": pl.from_epoch(pl.Series(created_s[answered] + delay[answered]), time_unit="s"),
            "text": "@customer sorry to hear that, please DM us",
            "response_tweet_id": None,
            "in_response_to_tweet_id": ids[answered].astype(str),
        },
        schema_overrides={"response_tweet_id": pl.String},
    )
    frame = pl.concat([inbound, replies]).with_columns(pl.col("created_at").dt.strftime(TWITTER))
    return frame.write_csv().encode()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--brands", type=int, default=60)
    parser.add_argument("--flow", action="store_true", help="also time the whole backfill flow")
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = synthetic_twcs(args.mentions, args.days, args.brands)
    print(f"generated {len(data) / 1e6:.0f} MB CSV in {time.perf_counter() - t0:.1f} s")
    collected = START.date() + timedelta(days=args.days + MAX_DELAY_DAYS)
    key = f"archives/twitter/dt={collected.isoformat()}/synthetic.csv"
    timings: list[tuple[str, float, float, int]] = []

    def stage(name: str, rows: int, fn):
        start = time.perf_counter()
        result = fn()
        timings.append((name, time.perf_counter() - start, peak_mib(), rows))
        return result

    with tempfile.TemporaryDirectory() as root:
        store = open_storage(root)
        store.write(key, data)
        parsed = stage("read + normalise", 0, lambda: read_archive(store.read(key), key, "twitter"))
        rows = parsed.height
        timings[-1] = (*timings[-1][:3], rows)
        policy = load_policy()
        failures = stage(
            "validate (GX)",
            rows,
            lambda: run_suite(
                with_check_columns(parsed, collected, policy.parameters["max_age_days"]),
                "mentions",
                {"max_text_chars": policy.text_limit("twitter")},
            ).failures,
        )
        assert failures.height == 0, failures.head()
        stage("warehouse write", rows, lambda: write_parts(store, "synthetic", parsed))
        days = days_with_mentions(store, date(2000, 1, 1), date(2100, 1, 1))
        horizon_s, watermark = 72 * 3600.0, datetime.combine(days[-1] + timedelta(days=10), datetime.min.time(), UTC)
        measures = stage(
            "measure (all days)",
            rows,
            lambda: [
                measure_period(
                    load_window(store, *window_for(period_of("daily", day), timedelta(seconds=horizon_s))),
                    period_of("daily", day),
                    MeasureRules(BrandRegistry(), horizon_s, 3600, watermark),
                )
                for day in days
            ],
        )

        def publish_all() -> None:
            for m in measures:
                status = report_status(m.day, horizon_s, watermark)
                files = day_files(
                    m,
                    status,
                    {"sources": [], "response_before_mention": []},
                    headline(m.metrics, m.sps, m.facts, m.trends, m.period),
                    [],
                )
                publish_report(store, m.period.folder, files, {"run_id": "bench"}, latest_day=m.day)

        stage("publish", rows, publish_all)

    print(f"\n{args.mentions:,} mentions → {rows:,} rows over {len(days)} days, {args.brands} brands")
    print(f"{'stage':<22}{'seconds':>10}{'rows/s':>14}{'peak RSS MiB':>15}")
    for name, seconds, peak, n in timings:
        print(f"{name:<22}{seconds:>10.2f}{n / seconds:>14,.0f}{peak:>15,.0f}")
    total = sum(t[1] for t in timings)
    print(f"{'total':<22}{total:>10.2f}")

    if args.flow:
        from flows.cli.runtime import in_process
        from flows.pipeline import backfill

        with tempfile.TemporaryDirectory() as root, in_process():
            open_storage(root).write(key, data)
            start = time.perf_counter()
            summary = backfill(days[0], max(days[-1], collected), storage=root)  # the days the stages measured
            assert len(summary["published"]) == len(days)
            flow_s = time.perf_counter() - start
        print(
            f"{'backfill flow':<22}{flow_s:>10.2f}   (+{flow_s - total:.1f} s: Prefect, the weekly and monthly"
            " reports, the index)"
        )


if __name__ == "__main__":
    main()
