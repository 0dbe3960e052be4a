"""How closely each reader agrees with people, per industry (issue 28 item 5).

    python -m tests.research.reading_protocol [--slice heldout|dev|heldout2|...|heldout6|brandsets ...]
        [--rows FIRST-LAST]

Labels (read by people, never by the readers judged): `tests/fixtures/reading/<slice>/mentions.csv`
(source, source_id, brand, industry, text, complaint, reason, urgent, stance) and
`tests/fixtures/reading/<slice>/replies.csv` (..., channel). Readers: tests/research/reading_readers.py.
Printed per reader, for all rows and per industry:
- precision / recall / F1 of the reader's yes against people's yes, and the share error
  (predicted share − labelled share, in points: what a published rate would be off by);
- channel moves: "moved" (any channel) with the per-brand share error (mean absolute and max, in
  points: what one brand's published rate is off by; over every brand, and over brands with at
  least MIN_BRAND_ROWS labelled replies), and each channel on all rows;
- complaint → detractor (stance < 0), urgent, and stance per class (−1, 0, +1);
- categories on people's complaints with a reason (not empty, not "none"): NMI between category and reason (sklearn,
  arithmetic; and its chance-adjusted AMI: with many fine reasons and few complaints NMI is high by
  chance alone), the catch-all ("other") share, and how often "category → its commonest reason" is
  right against always answering the commonest reason.
An empty label (urgent not judged, say) leaves that row out of that reader only.
`--rows FIRST-LAST` judges only those data rows of mentions.csv (1-based, inclusive): a fresh round of
labels, read before any reader was changed on it, is judged alone (replies and candidates are unchanged).
Several slices are judged as one (their files concatenated: the later held-out slices pooled give each
industry two or three times the rows of one). The default slice is heldout: the figures a note quotes.
Tune on dev only (heldout.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
import polars.selectors as cs
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from tests.research import reading_readers as readers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reading"
CHANNELS = ("dm", "email", "phone", "chat", "form", "store", "other_company")
NONE = "none"
OTHER = "other"
ALL = "(all)"
#: A brand's share from 1 or 2 labelled replies is 0 or 100 %: its error is also shown over larger brands only.
MIN_BRAND_ROWS = 5
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}
_STANCES = {"-1": -1, "0": 0, "1": 1, "+1": 1, "detractor": -1, "negative": -1, "neutral": 0, "passive": 0}
_STANCES |= {"promoter": 1, "positive": 1}


@dataclass(frozen=True)
class Agreement:
    """A yes/no reader against people on n rows; shares and errors in points (0–100)."""

    n: int
    precision: float | None  # None: the reader said yes to nothing
    recall: float | None  # None: people said yes to nothing
    f1: float | None
    predicted_share: float | None  # None: no rows
    labelled_share: float | None
    #: Half-width of the share error's 95 % interval (normal, over the rows' predicted − labelled, points): on
    #: 110 mentions an error of 5 points is within about ±4 of sampling noise. None below 2 rows, and when every
    #: row agrees (a normal interval of width 0 would read as certainty on 3 rows).
    error_95: float | None = None

    @property
    def share_error(self) -> float | None:
        if self.predicted_share is None or self.labelled_share is None:
            return None
        return self.predicted_share - self.labelled_share


@dataclass(frozen=True)
class BrandError:
    """How far one brand's predicted share lands from its labelled share, over brands (points)."""

    brands: int | None  # None: not a per-brand figure
    mean_abs: float | None
    max_abs: float | None


@dataclass(frozen=True)
class CategoryAgreement:
    """Categories against people's reasons on n complaints."""

    n: int
    nmi: float | None
    ami: float | None  # NMI less what chance alone gives with this many categories and reasons
    other_share: float | None  # points
    mapped_accuracy: float | None  # each category answers its commonest reason (points)
    commonest_accuracy: float | None  # always answering the commonest reason (points)


def binary_agreement(truth: pl.Series, predicted: pl.Series) -> Agreement:
    """People's yes/no against the reader's, rows where either is null left out."""
    frame = pl.DataFrame({"t": truth.cast(pl.Boolean), "p": predicted.cast(pl.Boolean)}).drop_nulls()
    n = frame.height
    tp = frame.filter(pl.col("t") & pl.col("p")).height
    said, real = int(frame["p"].sum()), int(frame["t"].sum())
    precision = tp / said if said else None
    recall = tp / real if real else None
    f1 = 2 * tp / (said + real) if said + real else None
    spread = (frame["p"].cast(pl.Int8) - frame["t"].cast(pl.Int8)).std() if n >= 2 else None
    error_95 = 100 * 1.96 * spread / n**0.5 if isinstance(spread, float) and spread > 0 else None
    shares = (100 * said / n, 100 * real / n) if n else (None, None)
    return Agreement(n, precision, recall, f1, *shares, error_95)


def brand_share_error(brands: pl.Series, truth: pl.Series, predicted: pl.Series, min_rows: int = 1) -> BrandError:
    """Per brand with at least `min_rows` labelled rows, predicted share − labelled share (points);
    the mean of their absolute values and the largest."""
    frame = pl.DataFrame({"brand": brands, "t": truth.cast(pl.Boolean), "p": predicted.cast(pl.Boolean)}).drop_nulls()
    errors = (
        frame.group_by("brand")
        .agg(
            (100 * (pl.col("p").cast(pl.Float64).mean() - pl.col("t").cast(pl.Float64).mean())).abs().alias("e"),
            pl.len().alias("rows"),
        )
        .filter(pl.col("rows") >= min_rows)["e"]
    )
    if errors.is_empty():
        return BrandError(0, None, None)
    return BrandError(errors.len(), float(errors.mean()), float(errors.max()))  # type: ignore[arg-type]


def category_agreement(reasons: pl.Series, categories: pl.Series) -> CategoryAgreement:
    """Categories against people's reasons, rows where either is null left out."""
    frame = pl.DataFrame({"r": reasons.cast(pl.String), "c": categories.cast(pl.String)}).drop_nulls()
    n = frame.height
    if not n:
        return CategoryAgreement(0, None, None, None, None, None)
    reasons_, categories_ = frame["r"].to_list(), frame["c"].to_list()
    nmi = float(normalized_mutual_info_score(reasons_, categories_, average_method="arithmetic"))
    ami = float(adjusted_mutual_info_score(reasons_, categories_, average_method="arithmetic"))
    pairs = frame.group_by("c", "r").len()
    mapped = int(pairs.group_by("c").agg(pl.col("len").max())["len"].sum())
    commonest = int(frame.group_by("r").len()["len"].max())  # type: ignore[arg-type]
    other = frame.filter(pl.col("c") == OTHER).height
    return CategoryAgreement(n, nmi, ami, 100 * other / n, 100 * mapped / n, 100 * commonest / n)


def flags(values: pl.Series, source: str, column: str) -> pl.Series:
    """A label column of true/false (1/0, yes/no) as Boolean; empty → null; anything else is refused."""
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    bad = text.is_not_null() & (text != "") & ~text.is_in(list(_TRUE | _FALSE))
    _refuse(bad, source, column, "true or false (empty: not judged)")
    return pl.select(
        pl.when(text.is_in(list(_TRUE))).then(True).when(text.is_in(list(_FALSE))).then(False).alias(column)
    ).to_series()


def stances(values: pl.Series, source: str, column: str = "stance") -> pl.Series:
    """A stance label column (−1/0/1 or detractor/neutral/promoter) as Int8; empty → null."""
    text = values.cast(pl.String).str.strip_chars().str.to_lowercase()
    _refuse(
        text.is_not_null() & (text != "") & ~text.is_in(list(_STANCES)),
        source,
        column,
        "-1, 0 or 1 (empty: not judged)",
    )
    return text.replace_strict(_STANCES, default=None, return_dtype=pl.Int8).alias(column)


def _refuse(bad: pl.Series, source: str, column: str, rule: str) -> None:
    if bad.any():
        row = int(bad.arg_true()[0]) + 2  # the header is line 1
        raise ValueError(f"{source} line {row}: column {column!r} must be {rule}")


def read_labels(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    """A label file, every column a string (ids stay strings); a missing column is refused naming the file."""
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def _row(reader: str, industry: str, label: str, agreement: Agreement, *brand: BrandError) -> dict:
    """One table row; `brand`: the per-brand error over every brand, then over brands with MIN_BRAND_ROWS."""
    every, larger = brand if brand else (BrandError(None, None, None),) * 2
    return {
        "reader": reader,
        "industry": industry,
        "label": label,
        **{k: v for k, v in asdict(agreement).items() if k != "error_95"},
        "share_error": agreement.share_error,
        "error_95": agreement.error_95,
        "brands": every.brands,
        "brand_err_mean": every.mean_abs,
        "brand_err_max": every.max_abs,
        f"brands_{MIN_BRAND_ROWS}+": larger.brands,
        f"err_mean_{MIN_BRAND_ROWS}+": larger.mean_abs,
        f"err_max_{MIN_BRAND_ROWS}+": larger.max_abs,
    }


def _per_industry(frame: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    return [(ALL, frame)] + [
        (name, part) for (name,), part in frame.sort("industry").group_by("industry", maintain_order=True)
    ]


def channel_rows(replies: pl.DataFrame, predicted: pl.Series) -> list[dict]:
    """ "moved" per industry (with per-brand error), then each channel on all rows."""
    frame = replies.with_columns(predicted.alias("predicted"))
    rows = []
    for industry, part in _per_industry(frame):
        truth, said = part["channel"] != NONE, part["predicted"].is_not_null()
        rows.append(
            _row(
                "channel",
                industry,
                "moved",
                binary_agreement(truth, said),
                brand_share_error(part["brand"], truth, said),
                brand_share_error(part["brand"], truth, said, MIN_BRAND_ROWS),
            )
        )
    for name in CHANNELS:
        said = (frame["predicted"] == name).fill_null(False)
        rows.append(_row("channel", ALL, name, binary_agreement(frame["channel"] == name, said)))
    return rows


def binary_rows(reader: str, label: str, frame: pl.DataFrame, truth: str, predicted: pl.Series) -> list[dict]:
    framed = frame.with_columns(predicted.alias("_predicted"))
    return [
        _row(reader, industry, label, binary_agreement(part[truth], part["_predicted"]))
        for industry, part in _per_industry(framed)
    ]


def stance_rows(mentions: pl.DataFrame, predicted: pl.Series) -> list[dict]:
    framed = mentions.with_columns(predicted.alias("_predicted"))
    return [
        _row("stance", industry, name, binary_agreement(part["stance"] == value, part["_predicted"] == value))
        for industry, part in _per_industry(framed)
        for name, value in (("detractor", -1), ("neutral", 0), ("promoter", 1))
    ]


def category_rows(mentions: pl.DataFrame, predicted: pl.Series, reader: str = "category") -> list[dict]:
    framed = mentions.with_columns(predicted.alias("_predicted")).filter(
        pl.col("complaint").fill_null(False) & ~pl.col("reason").str.strip_chars().str.to_lowercase().is_in(["", NONE])
    )
    return [
        {"reader": reader, "industry": industry, **asdict(category_agreement(part["reason"], part["_predicted"]))}
        for industry, part in _per_industry(framed)
    ]


def load_mentions(path: Path) -> pl.DataFrame:
    source = str(path)
    frame = read_labels(
        path, ("source", "source_id", "brand", "industry", "text", "complaint", "reason", "urgent", "stance")
    )
    return frame.with_columns(
        flags(frame["complaint"], source, "complaint"),
        flags(frame["urgent"], source, "urgent"),
        stances(frame["stance"], source),
        pl.col("text").fill_null(""),
    )


def load_replies(path: Path) -> pl.DataFrame:
    frame = read_labels(path, ("source", "source_id", "brand", "industry", "text", "channel"))
    known = frame["channel"].is_in([*CHANNELS, NONE])
    _refuse(~known.fill_null(False), str(path), "channel", f"one of {', '.join((*CHANNELS, NONE))}")
    return frame.with_columns(pl.col("text").fill_null(""))


@dataclass(frozen=True)
class Tables:
    agreement: pl.DataFrame  # one row per reader, industry and label
    categories: pl.DataFrame  # one row per industry


def protocol(
    mentions: pl.DataFrame | None, replies: pl.DataFrame | None, candidates: pl.DataFrame | None = None
) -> Tables:
    """Every reader against the labels given (a reader whose labels are missing is left out);
    `candidates` are the urgent candidates (urgent_candidates.csv), judged for urgency only."""
    rows: list[dict] = []
    category_table: list[dict] = []
    if replies is not None:
        rows += channel_rows(replies, readers.channel(replies))
    if mentions is not None:
        model = readers.stance(mentions)
        rows += binary_rows("detractor", "complaint", mentions, "complaint", readers.detractor(mentions, model))
        rows += binary_rows("urgent", "urgent", mentions, "urgent", readers.urgent(mentions))
        rows += stance_rows(mentions, model)
        threaded = mentions.with_columns(readers.thread_texts(mentions))
        category_table = category_rows(mentions, readers.category(threaded))
        category_table += category_rows(mentions, readers.category(threaded, inferred=True), "category, inferred")
    if candidates is not None:  # drawn by a word net, not at random: judged for urgent alone, never for shares
        rows += binary_rows("urgent, candidates", "urgent", candidates, "urgent", readers.urgent(candidates))
    return Tables(pl.DataFrame(rows, infer_schema_length=None), pl.DataFrame(category_table, infer_schema_length=None))


def _shown(table: pl.DataFrame) -> pl.DataFrame:
    return table.with_columns(cs.float().round(3))


def _row_range(value: str) -> tuple[int, int]:
    """ "353-507" → (353, 507); anything else is refused by argparse in one sentence."""
    first, _, last = value.partition("-")
    if not (first.isdigit() and last.isdigit() and 1 <= int(first) <= int(last)):
        raise argparse.ArgumentTypeError(f"{value!r} is not FIRST-LAST with 1 <= FIRST <= LAST")
    return int(first), int(last)


SLICES = ("heldout", "dev", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "brandsets", "brandsets_dev")


def main(argv: list[str] | None = None, fixtures: Path = FIXTURES, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description="Readers against people's labels, per industry.")
    parser.add_argument(
        "--slice", nargs="+", choices=SLICES, default=["heldout"], help="several: their labels judged together"
    )
    parser.add_argument("--rows", type=_row_range, help="only these data rows of mentions.csv, e.g. 353-507")
    args = parser.parse_args(argv)
    if args.rows is not None and len(args.slice) > 1:
        parser.error("--rows names rows of one slice's mentions.csv: give one --slice with it")
    loaded: dict[str, pl.DataFrame | None] = {}
    for name, load in (("mentions", load_mentions), ("replies", load_replies), ("urgent_candidates", load_mentions)):
        frames = []
        for slice_ in args.slice:
            path = fixtures / slice_ / f"{name}.csv"
            if path.exists():
                frames.append(load(path))
            else:
                out(f"{path} is not there: the readers judged on it are left out.")
        loaded[name] = pl.concat(frames, how="diagonal_relaxed") if frames else None
    if args.rows is not None and loaded["mentions"] is not None:
        first, last = args.rows
        loaded["mentions"] = loaded["mentions"].slice(first - 1, last - first + 1)
    tables = protocol(loaded["mentions"], loaded["replies"], loaded["urgent_candidates"])
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, tbl_hide_dataframe_shape=True):
        out(f"slice {' + '.join(args.slice)}: shares and errors in points; precision, recall, F1 in 0-1")
        if not tables.agreement.is_empty():
            out(str(_shown(tables.agreement)))
        if not tables.categories.is_empty():
            out("categories on people's complaints with a reason:")
            out(str(_shown(tables.categories)))


if __name__ == "__main__":
    try:
        main()
    except ValueError as exc:  # a label file that breaks a rule: say which, no traceback; 2 = bad input (README)
        print(f"{exc}. Fix the label file and run again.", file=sys.stderr)
        raise SystemExit(2) from None
