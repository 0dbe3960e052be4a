"""The hostile corpus of issue 29, ingest part: each case reproduces one reading defect.

Every test here failed before its fix. Each goes through `ingest_object` (the code
the flows run) on a real local store; one bad row hides among 30 (or 60) good
ones, so only that row is quarantined (tasks/ingest/evidence.py), and every row
read is accounted for: rows_read == rows_accepted + duplicates_dropped + rows_quarantined.
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest

from tasks.ingest.policy import load_policy
from tasks.jobs.ingest_archive import ingest_object
from tasks.model.records import IngestRecord
from tasks.store import layout
from tasks.store.backends import open_storage
from tasks.store.warehouse import load_window
from tests.archives import DAY, TWCS_HEADER, jsonl, jsonl_row, twcs, twcs_row

NOV_1 = date(2017, 11, 1)


def _ingest(tmp_path, name: str, data: bytes, platform: str = "twitter") -> tuple[IngestRecord, object]:
    store = open_storage(str(tmp_path))
    key = f"archives/{platform}/dt={DAY}/{name}"
    store.write(key, data)
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert record.rows_read == record.rows_accepted + record.duplicates_dropped + record.rows_quarantined
    return record, store


def _quarantined(store, record: IngestRecord) -> pl.DataFrame:
    key = layout.quarantine_rows(NOV_1, layout.source_slug(record.key))
    return pl.read_parquet(io.BytesIO(store.read(key)))


def _warehouse(store) -> pl.DataFrame:
    return load_window(store, NOV_1, NOV_1)


# D1. Only the top-level field is the id; a non-string, non-integer id is a malformed row.


def _line(**fields) -> str:
    """A JSON line written field by field (json.dumps would turn 1e5 into 100000.0)."""
    return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"


_BASE = {
    "author_id": '"c40"',
    "is_brand_author": "false",
    "created_at": f'"{DAY}T10:40:00Z"',
    "text": '"@AcmeHelp hi"',
}


def test_d1_nested_id_does_not_replace_top_level_id(tmp_path):
    """Rows 31-33 carry a numeric id field nested in a field the pipeline does not read: the top-level
    value stays (30 + 3 = 33 rows accepted, ids and links as written at the top level)."""
    rows = [
        _line(mention_id='"2000"', meta='{"mention_id": 99999}', **_BASE),
        _line(mention_id='"abc-1"', quoted='[{"mention_id": 424242, "author_id": 7}]', **_BASE),
        # a null top-level reply link is not filled from a nested one, nor the author from an array
        _line(
            mention_id='"r1"',
            in_reply_to_id="null",
            entities='{"in_reply_to_id": 2000, "author_id": 55}',
            **_BASE,
        ),
    ]
    record, store = _ingest(tmp_path, "a.jsonl", jsonl(*rows))
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (33, 33, {})
    got = _warehouse(store).filter(pl.col("mention_id").is_in(["2000", "abc-1", "r1", "99999", "424242"]))
    assert sorted(got.select("mention_id", "author_id", "in_reply_to_id").rows()) == [
        ("2000", "c40", None),
        ("abc-1", "c40", None),
        ("r1", "c40", None),
    ]


@pytest.mark.parametrize(
    ("field", "literal"),
    [
        ("mention_id", "true"),
        ("mention_id", "1e5"),
        ("mention_id", "3.0"),
        ("mention_id", "1.5"),
        ("author_id", "false"),
        ("author_id", "2.5e3"),
        ("in_reply_to_id", "3.0000E+04"),
        ("in_reply_to_id", "true"),
        ("conversation_id", "7.0"),
    ],
)
def test_d1_ids_neither_string_nor_integer_are_malformed_rows(tmp_path, field, literal):
    """30 good rows and one whose `field` is the JSON literal `literal`: that row alone is
    quarantined as record_well_formed (31 read = 30 accepted + 1 quarantined); its raw line is kept."""
    fields = {"mention_id": '"m31"'} | _BASE | {field: literal}
    record, store = _ingest(tmp_path, "a.jsonl", jsonl(_line(**fields)))
    assert (record.rows_read, record.rows_accepted, record.rows_quarantined) == (31, 30, 1)
    # the literal is kept as written, so an exponent form also breaks its field's own form rule
    form = {"in_reply_to_id_well_formed", "author_id_well_formed"} if "e" in literal.lower() else set()
    assert set(record.quarantined_by_rule) - form == {"record_well_formed"}
    row = _quarantined(store, record).row(0, named=True)
    assert row["source_row"] == 31 and "record_well_formed" in row["rule"]
    assert f'"{field}": {literal}' in row["raw_line"]


def test_d1_string_and_integer_ids_of_any_size_are_kept_as_written(tmp_path):
    """Strings that look like other JSON values stay strings; integer literals keep their digits
    (past 2^64 too), negative ones included: all 30 + 5 rows accepted."""
    rows = [
        _line(mention_id='"true"', **_BASE),
        _line(mention_id='"1e5"', **_BASE),
        _line(mention_id='"3.0"', **_BASE),
        _line(mention_id="18446744073709551616", **_BASE),  # 2^64
        _line(mention_id="-42", **(_BASE | {"in_reply_to_id": "123456789012345678901234567890"})),
    ]
    record, store = _ingest(tmp_path, "a.jsonl", jsonl(*rows))
    assert (record.rows_read, record.rows_accepted) == (35, 35)
    got = _warehouse(store).filter(~pl.col("mention_id").str.contains(r"^\d{1,2}$"))
    assert sorted(got.select("mention_id", "in_reply_to_id").rows()) == [
        ("-42", "123456789012345678901234567890"),
        ("18446744073709551616", None),
        ("1e5", None),
        ("3.0", None),
        ("true", None),
    ]


def test_d1_a_repeated_top_level_id_key_is_a_malformed_row(tmp_path):
    """`{"mention_id": "a31", ..., "mention_id": 7}`: which is the id is unknown; the row is quarantined
    (as the last value, 7, it also repeats row 7's id with other content)."""
    line = _line(mention_id='"a31"', **_BASE)[:-1] + ', "mention_id": 7}'
    record, _ = _ingest(tmp_path, "a.jsonl", jsonl(line))
    assert (record.rows_read, record.rows_accepted, record.rows_quarantined) == (31, 30, 1)
    assert record.quarantined_by_rule == {"record_well_formed": 1, "mention_id_unique_in_archive": 1}


def test_d1_a_mapped_jsonl_export_reads_only_its_top_level_id_columns(tmp_path):
    """Through a column mapping the same holds for the export's own id names: a nested `id` does
    not replace the top-level one, a float `id` is a malformed row (2 read = 1 accepted + 1 quarantined)."""
    store = open_storage(str(tmp_path))
    store.write(
        layout.mapping_file("forum"),
        b'[columns]\nmention_id = "id"\ncreated_at = "when"\ntext = "body"\nauthor_id = "who"\n',
    )
    lines = [
        f'{{"id": "p1", "who": "c1", "when": "{DAY}T10:00:00Z", "body": "@AcmeHelp hi", "x": {{"id": 9}}}}',
        f'{{"id": 1e5, "who": "c2", "when": "{DAY}T10:01:00Z", "body": "@AcmeHelp hi"}}',
    ]
    key = f"archives/forum/dt={DAY}/a.jsonl"
    store.write(key, "\n".join(lines).encode())
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.5, fingerprint="t")
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (2, 1, {"record_well_formed": 1})
    assert _warehouse(store)["mention_id"].to_list() == ["p1"]


def test_d1_a_parquet_id_column_of_floats_or_booleans_is_rejected_by_name(tmp_path):
    """A float cannot hold a 19-digit id exactly (30000.0 would also never match 30000): the file is
    refused as file_parses, naming the column and its type, not accepted as '30000.0'."""
    buffer = io.BytesIO()
    pl.DataFrame(
        {
            "mention_id": ["1", "2"],
            "author_id": ["c1", "c2"],
            "is_brand_author": [False, True],
            "created_at": [f"{DAY}T10:00:00Z", f"{DAY}T10:01:00Z"],
            "text": ["@AcmeHelp hi", "hello"],
            "in_reply_to_id": [None, 30000.0],
        }
    ).write_parquet(buffer)
    record, _ = _ingest(tmp_path, "a.parquet", buffer.getvalue())
    assert (record.rejected, record.failed_rules) == (True, ["file_parses"])
    assert "in_reply_to_id (Float64)" in record.error


# D7. A reply link in a spreadsheet's number form is quarantined like a mention id in that form.


@pytest.mark.parametrize(
    ("column", "rule"),
    [
        ("in_response_to_tweet_id", "in_reply_to_id_well_formed"),
        ("tweet_id", "mention_id_well_formed"),
        ("author_id", "author_id_well_formed"),
    ],
)
def test_d7_an_id_in_exponent_form_is_quarantined_with_its_rule(tmp_path, column, rule):
    """Row 31's `column` is 3.0000E+04: quarantined by `rule`, its value kept (31 = 30 + 1)."""
    fields = {
        "tweet_id": "31",
        "author_id": "c31",
        "inbound": "True",
        "created_at": "Wed Nov 01 10:31:00 +0000 2017",
        "text": '"@AcmeHelp hi"',
        "response_tweet_id": "",
        "in_response_to_tweet_id": "",
    } | {column: "3.0000E+04"}
    record, store = _ingest(tmp_path, "a.csv", twcs(",".join(fields.values()) + "\n"))
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (31, 30, {rule: 1})
    row = _quarantined(store, record).row(0, named=True)
    assert (row["source_row"], row["rule"], row["value"]) == (31, rule, "3.0000E+04")


def test_d7_conversation_ids_are_judged_like_mention_ids(tmp_path):
    record, _ = _ingest(tmp_path, "a.jsonl", jsonl(jsonl_row(31, conversation_id="3.0000E+04")))
    assert (record.rows_accepted, record.quarantined_by_rule) == (30, {"conversation_id_well_formed": 1})


# D17. A UTF-8 byte-order mark before the first JSON line is not part of the line.


@pytest.mark.parametrize("name", ["a.jsonl", "a.ndjson", "a.csv"])
def test_d17_a_bom_before_the_first_line_is_ignored(tmp_path, name):
    data = jsonl() if name != "a.csv" else twcs()
    record, store = _ingest(tmp_path, name, b"\xef\xbb\xbf" + data)
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (30, 30, {})
    assert "1" in _warehouse(store)["mention_id"].to_list()  # row 1 keeps its id: no mark glued to it


def test_d17_a_bom_where_two_json_exports_were_put_end_to_end_is_ignored(tmp_path):
    """`cat a.jsonl b.jsonl` where b starts with a BOM: 30 + 30 rows, all accepted."""
    second = b"\n".join(jsonl_row(i).encode() for i in range(31, 61))
    record, _ = _ingest(tmp_path, "a.jsonl", jsonl() + b"\n\xef\xbb\xbf" + second)
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (60, 60, {})


# D18. A record of only separators is a row (of nulls), read and quarantined; a blank line is none.


@pytest.mark.parametrize(
    "extra",
    [",,,,,,\n", ",,,,,,\r\n", " , ,,,,,\n", '"",,,,,,\n'],
    ids=["commas", "commas CRLF", "spaces", "empty quotes"],
)
def test_d18_a_record_of_only_commas_is_read_and_quarantined(tmp_path, extra):
    """30 good rows, a blank line (no record) and one record of 7 empty fields: 31 read, 30 accepted,
    the empty one quarantined for its missing id, author flag, time and text."""
    record, _ = _ingest(tmp_path, "a.csv", twcs("\n" + extra))
    assert (record.rows_read, record.rows_accepted, record.rows_quarantined) == (31, 30, 1)
    assert {"mention_id_present", "is_brand_author_boolean", "text_present"} <= set(record.quarantined_by_rule)


def test_d18_blank_lines_alone_are_still_no_rows(tmp_path):
    record, _ = _ingest(tmp_path, "a.csv", twcs("\n \n\r\n"))
    assert (record.rows_read, record.rows_accepted, record.rows_quarantined) == (30, 30, 0)


# D19. A negative follower count never reaches the warehouse.


@pytest.mark.parametrize("followers", [-1000000, -1, "-5"])
def test_d19_negative_author_followers_are_quarantined(tmp_path, followers):
    record, store = _ingest(tmp_path, "a.jsonl", jsonl(jsonl_row(31, author_followers=followers)))
    assert (record.rows_read, record.rows_accepted) == (31, 30)
    assert record.quarantined_by_rule == {"author_followers_not_negative": 1}
    assert _quarantined(store, record)["value"].to_list() == [str(followers)]
    assert _warehouse(store).filter(pl.col("author_followers") < 0).height == 0


def test_d19_zero_followers_are_a_real_count(tmp_path):
    record, _ = _ingest(tmp_path, "a.jsonl", jsonl(jsonl_row(31, author_followers=0)))
    assert (record.rows_accepted, record.quarantined_by_rule) == (31, {})


# D8. No error quotes what an archive holds: it names the file, the line and the rule.

_SECRET = "jane.doe@example.com +1 555 0100 my card is 4111"


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        # a headerless export: line 1 is a customer's post whose words repeat
        ("a.csv", f"{_SECRET},{_SECRET},x\n1,2,3\n".encode(), "file_parses"),
        # classic Mac line ends: the whole file is one line
        (
            "a.csv",
            TWCS_HEADER.replace("\n", "\r").encode() + twcs_row(1, _SECRET).replace("\n", "\r").encode(),
            "file_parses",
        ),
        # gzip's own message quotes the first bytes
        ("a.csv.gz", _SECRET.encode(), "file_decompresses"),
        # polars' cast error quotes the values it could not read
        ("a.parquet", None, "file_parses"),
    ],
    ids=["repeated header", "CR-only", "not gzip", "parquet cast"],
)
def test_d8_errors_name_file_line_and_rule_never_content(tmp_path, name, data, rule):
    if data is None:
        buffer = io.BytesIO()
        pl.DataFrame({"mention_id": [b"1"], "text": [_SECRET.encode() + b"\xff"]}).write_parquet(buffer)
        data = buffer.getvalue()
    record, store = _ingest(tmp_path, name, data)
    assert (record.rejected, record.failed_rules) == (True, [rule])
    assert record.error.startswith(f"{record.key}: {rule}: ")
    stored = store.read(layout.source_record(layout.source_slug(record.key))).decode()
    for fragment in ("jane", "example.com", "555", "4111"):
        assert fragment not in record.error and fragment not in stored, (fragment, record.error)


def test_d8_json_lines_ended_by_cr_only_are_read_as_lines(tmp_path):
    """JSON text holds no raw CR: 30 lines ended by CR alone are 30 rows, not one malformed line
    quoting all of them."""
    record, _ = _ingest(tmp_path, "a.jsonl", jsonl().replace(b"\n", b"\r"))
    assert (record.rows_read, record.rows_accepted, record.quarantined_by_rule) == (30, 30, {})


def test_d8_a_repeated_header_names_the_line_and_the_counts(tmp_path):
    """Line 1 of 3 fields holds 2 distinct names: said with numbers, not words."""
    record, _ = _ingest(tmp_path, "a.csv", f"{_SECRET},{_SECRET},x\n1,2,3\n".encode())
    assert "line 1" in record.error and "3 fields, 2 distinct" in record.error


# D6. Local times that do not exist or exist twice quarantine their rows, not the file.

_NY_MAPPING = b"""[columns]
mention_id = "id"
author_id = "who"
created_at = "when"
text = "body"

[created_at]
format = "%Y-%m-%d %H:%M"
time_zone = "America/New_York"
"""


def _ny_export(*times: str) -> bytes:
    rows = [f"{i},c{i},{t},@AcmeHelp hi" for i, t in enumerate(times, start=1)]
    return ("id,who,when,body\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("day", "odd"),
    [("2017-11-05", "2017-11-05 01:30"), ("2017-03-12", "2017-03-12 02:30")],
    ids=["ambiguous at fall-back", "nonexistent at spring-forward"],
)
def test_d6_a_local_time_at_a_dst_change_quarantines_its_row_only(tmp_path, day, odd):
    """30 rows at 00:00-00:29 local (04:00 UTC on Nov 5, EDT; 05:00 UTC on Mar 12, EST) and the odd
    one: 31 read, 30 accepted, 1 quarantined as created_at_parsed_with_zone with its time as written."""
    store = open_storage(str(tmp_path))
    store.write(layout.mapping_file("forum"), _NY_MAPPING)
    key = f"archives/forum/dt={day}/a.csv"
    store.write(key, _ny_export(*[f"{day} 00:{m:02d}" for m in range(30)], odd))
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rejected, record.rows_read, record.rows_accepted) == (False, 31, 30)
    assert record.quarantined_by_rule == {"created_at_parsed_with_zone": 1}
    rows = pl.read_parquet(
        io.BytesIO(store.read(layout.quarantine_rows(date.fromisoformat(day), layout.source_slug(key))))
    )
    assert (rows["source_row"].to_list(), rows["value"].to_list()) == ([31], [odd])


def test_d6_an_unknown_time_zone_in_a_mapping_names_the_file_and_key(tmp_path):
    store = open_storage(str(tmp_path))
    store.write(layout.mapping_file("forum"), _NY_MAPPING.replace(b"America/New_York", b"America/New_Yrok"))
    key = f"archives/forum/dt={DAY}/a.csv"
    store.write(key, _ny_export(f"{DAY} 10:00"))
    record = ingest_object(store, store.list(key)[0], policy=load_policy(), quarantine_threshold=0.05, fingerprint="t")
    assert (record.rejected, record.failed_rules) == (True, ["file_format_known"])
    assert "_mapping.toml: [created_at] time_zone 'America/New_Yrok'" in record.error


# D11. An archive that arrived without rows is a failed export, whatever its format.


def _parquet_without_rows() -> bytes:
    buffer = io.BytesIO()
    frame = pl.DataFrame(schema={c: pl.String for c in ("mention_id", "author_id", "created_at", "text")})
    frame.with_columns(pl.lit(None, pl.Boolean).alias("is_brand_author")).write_parquet(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.csv", TWCS_HEADER.encode()),
        ("a.csv", (TWCS_HEADER + "\n\n").encode()),
        ("a.jsonl", b""),
        ("a.jsonl", b"\n\n"),
        ("a.parquet", None),
    ],
    ids=["header-only CSV", "header and blank lines", "0-byte JSONL", "blank JSONL", "Parquet of 0 rows"],
)
def test_d11_an_archive_without_rows_is_rejected_as_file_not_empty(tmp_path, name, data):
    record, store = _ingest(tmp_path, name, data if data is not None else _parquet_without_rows())
    assert (record.rejected, record.failed_rules, record.rows_read) == (True, ["file_not_empty"], 0)
    assert record.error.startswith(f"{record.key}: file_not_empty: ")
    assert store.exists(layout.quarantine_object(NOV_1, layout.source_slug(record.key), name))
