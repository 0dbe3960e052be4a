"""Every reader's output on a fixed set of texts, written to compare two versions of the readers row for row
(a speed change must not change a reading: issue 28 item 9).

    PYTHONPATH=<checkout A> python <this file> write a.parquet [--mentions 200000]
    PYTHONPATH=<checkout B> python <this file> write b.parquet [--mentions 200000]
    python <this file> compare a.parquet b.parquet

Run as a file, so a checkout without it (the code before the change) can be snapshotted too: the readers
come from PYTHONPATH's checkout (printed). The texts: every labelled set's (tests/fixtures/reading/*/*.csv),
the twcs sample's, and the speed benchmark's (its texts repeated, and all distinct), each read by all
readers (category inferred and, where the set names an industry, named; channel; urgent; stance;
detractor). Only outputs are compared, never labels: no reader is judged here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reading"


def _sets(mentions: int) -> dict[str, pl.DataFrame]:
    """name → (brand, industry, text) frames."""
    from tests.benchmarks.bench_reading import _repeated
    from tests.research.reading_labels_draw_replies import DATA

    sets = {}
    for path in sorted(FIXTURES.glob("*/*.csv")):
        frame = pl.read_csv(path, infer_schema=False)
        sets[f"{path.parent.name}/{path.name}"] = frame.select("brand", "industry", "text")
    sample = pl.read_csv(DATA / "twcs_sample.csv", infer_schema=False)
    sets["twcs_sample"] = sample.select(
        pl.col("author_id").alias("brand"), pl.lit(None, pl.String).alias("industry"), "text"
    )
    inbound, outbound = sample.filter(pl.col("inbound") == "True"), sample.filter(pl.col("inbound") == "False")
    for distinct in (False, True):
        kind = "distinct" if distinct else "repeated"
        sets[f"bench_mentions_{kind}"] = pl.DataFrame(
            {
                "brand": _repeated(inbound["author_id"], mentions),
                "industry": pl.Series([None] * mentions, dtype=pl.String),
                "text": _repeated(inbound["text"], mentions, distinct),
            }
        )
        sets[f"bench_replies_{kind}"] = pl.DataFrame(
            {
                "brand": _repeated(outbound["author_id"], mentions),
                "industry": pl.Series([None] * mentions, dtype=pl.String),
                "text": _repeated(outbound["text"], mentions, distinct),
            }
        )
    return sets


def write(out: Path, mentions: int) -> None:
    import tasks
    from tests.research import reading_readers as readers

    print(f"readers from {Path(tasks.__file__).parent.parent}", file=sys.stderr)
    columns = []
    for name, frame in _sets(mentions).items():
        stances = readers.stance(frame)
        read = {
            "category_inferred": readers.category(frame, inferred=True),
            "channel": readers.channel(frame),
            "urgent": readers.urgent(frame),
            "stance": stances,
            "detractor": readers.detractor(frame, stances),
            "detractor_alone": readers.detractor(frame),
        }
        if frame["industry"].null_count() < frame.height:
            read["category_named"] = readers.category(frame.with_columns(pl.col("industry").fill_null("")))
        for reader, values in read.items():
            columns.append(
                pl.DataFrame(
                    {"set": name, "reader": reader, "row": range(len(values)), "value": values.cast(pl.String)}
                )
            )
        print(f"{name}: {frame.height} rows", file=sys.stderr)
    pl.concat(columns).write_parquet(out)


def compare(a: Path, b: Path) -> int:
    left, right = pl.read_parquet(a), pl.read_parquet(b)
    keys = ["set", "reader", "row"]
    joined = left.join(right, on=keys, how="full", coalesce=True, suffix="_b")
    differ = joined.filter(pl.col("value").ne_missing(pl.col("value_b")))
    per_reader = joined.group_by("reader").agg(pl.len().alias("rows")).sort("reader")
    print(f"{left.height:,} outputs vs {right.height:,}; per reader:")
    for reader, rows in per_reader.iter_rows():
        print(f"  {reader:<20}{rows:>10,}")
    print(f"differing: {differ.height}")
    if differ.height:
        print(differ.group_by("set", "reader").len().sort("set", "reader"))
    return 1 if differ.height or left.height != right.height else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("--mentions", type=int, default=200_000)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, args.mentions)
    else:
        sys.exit(compare(args.a, args.b))


if __name__ == "__main__":
    main()
