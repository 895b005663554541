"""Writes the Parquet fixtures under testdata/ with pyarrow, as another tool would.

Run once with `python3 testdata/make_fixtures.py` (needs `pip install pyarrow`); the
output is committed so tests need no Python. Values are small enough to check
expected query answers by hand (see crates/hunt/tests/e2e.rs).
"""
import datetime as dt
import os
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = dt.timezone.utc


def ts(*a):
    return dt.datetime(*a, tzinfo=UTC)


def write(table, *parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path)


# Logons: a partitioned table whose two files have different column sets and
# timestamp units (us vs ms); day 2 lacks Bytes and adds Country.
day1 = pa.table({
    "Timestamp": pa.array([ts(2025, 6, 1, 8), ts(2025, 6, 1, 9, 30), ts(2025, 6, 1, 10, 15),
                           ts(2025, 6, 1, 23, 59, 59, 123456)], pa.timestamp("us", tz="UTC")),
    "Account": ["alice@contoso.com", "bob@contoso.com", "Alice@Contoso.com", "dave@contoso.com"],
    "Host": ["lt-alice", "lt-bob", "srv-01", "lt-dave"],
    "Failed": [False, True, True, False],
    "Bytes": pa.array([100, 250, None, 40], pa.int64()),
})
write(day1, "tables", "Logons", "date=2025-06-01", "part-0.parquet")
day2 = pa.table({
    "Timestamp": pa.array([ts(2025, 6, 2), ts(2025, 6, 2, 12), ts(2025, 6, 2, 12, 0, 0, 500000)],
                          pa.timestamp("ms", tz="UTC")),
    "Account": ["bob@contoso.com", "carol@fabrikam.com", "bob@contoso.com"],
    "Host": ["lt-bob", "lt-carol", "srv-01"],
    "Failed": [False, True, True],
    "Country": ["US", "DE", None],
})
write(day2, "tables", "Logons", "date=2025-06-02", "part-0.parquet")

# A single-file table with a nanosecond timestamp and large_string values.
alerts = pa.table({
    "AlertId": pa.array(["da1", "da2", "ir3"], pa.large_string()),
    "Severity": ["High", "Low", "High"],
    "Timestamp": pa.array([ts(2025, 6, 1, 9), ts(2025, 6, 1, 11), ts(2025, 6, 2, 1)], pa.timestamp("ns", tz="UTC")),
})
write(alerts, "tables", "Alerts.parquet")

# A built-in table holding only some documented columns, ObjectSize as int64 as pandas
# writes it, and SensitiveInfoTypeInfo as JSON text.
dse = pa.table({
    "Timestamp": pa.array([ts(2025, 6, 1, 8), ts(2025, 6, 1, 9), ts(2025, 6, 1, 10)], pa.timestamp("us", tz="UTC")),
    "AccountUpn": ["megan@contoso.com", "megan@contoso.com", "adele@contoso.com"],
    "ActionType": ["FileUploaded", "FileArchived", "FileUploaded"],
    "FileName": ["q3.zip", "q3.zip", "notes.txt"],
    "ObjectSize": pa.array([2048, 2048, 10], pa.int64()),
    "SensitiveInfoTypeInfo": ["[]", "[]", None],
})
write(dse, "tables", "DataSecurityEvents", "part-0.parquet")

# Two files of one table whose column N clashes: long in a, string in b.
write(pa.table({"N": pa.array([1], pa.int64())}), "clash", "Clash", "a.parquet")
write(pa.table({"N": ["one"]}), "clash", "Clash", "b.parquet")

# Not a Parquet file at all.
os.makedirs(os.path.join(HERE, "corrupt"), exist_ok=True)
with open(os.path.join(HERE, "corrupt", "Broken.parquet"), "wb") as f:
    f.write(b"this is not parquet\n")
