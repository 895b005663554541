"""The comparison suite: realistic hunting queries, each written three times.

Every query has
- `kql`: what an analyst would paste into Defender advanced hunting, using only the KQL
  hunt supports (docs/kql-subset.md);
- `sql`: the equivalent DuckDB SQL, with `{Table}` standing for
  `read_parquet('DATA/Table/*.parquet')`;
- `polars`: the equivalent Polars lazy query, a function of `scan(table) -> LazyFrame` and
  the `polars` module;
- `intent`: what the hunt looks for (also printed by `run.py --list`).

Results must be deterministic: aggregates, or rows whose order keys are unique (`top` and
`sort` always end with a tie-breaker). Unless `ordered=True`, rows are compared as a multiset.

KQL semantics the SQL and Polars versions spell out (docs/kql-subset.md):
- `has` matches a whole term (a maximal run of letters and digits), case-insensitively:
  the regex `(?i)(^|[^0-9a-z])term($|[^0-9a-z])` (`HAS` below).
- `contains`, `startswith`, `endswith`, `=~` and `in~` are case-insensitive; `==` and `in`
  are case-sensitive.
- `dcount` is exact in hunt: COUNT(DISTINCT x) / n_unique(). "" is a value (a KQL string is
  never null); the columns counted here hold "" but no nulls, so DuckDB and Polars count it too.
- `bin(Timestamp, 1d)` is date_trunc('day', Timestamp) in UTC (run.py sets DuckDB's TimeZone).
- `sum` of an `int` column is a `long`: Polars casts to Int64 first.
- `ago(7d)` is 2025-06-24T00:00:00Z, because run.py fixes `now()` at 2025-07-01T00:00:00Z.
- A string column is never null in hunt; a missing string (left outer join) prints as ""
  and run.py normalises every engine's NULL to "" before comparing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

TABLES = ("DataSecurityEvents", "DataSecurityBehaviors", "AlertInfo", "AlertEvidence")
UTC = dt.timezone.utc
NOW = dt.datetime(2025, 7, 1, tzinfo=UTC)
AGO_7D = NOW - dt.timedelta(days=7)
AGO_14D = NOW - dt.timedelta(days=14)


def HAS(term: str) -> str:
    """Regex equivalent of KQL `has term` for an alphanumeric term."""
    assert term.isalnum(), term
    return f"(?i)(^|[^0-9a-z]){term}($|[^0-9a-z])"


@dataclass(frozen=True)
class Query:
    name: str
    intent: str
    kql: str
    sql: str
    polars: Callable
    ordered: bool = False
    # DataFusion's SQL where the DuckDB text needs another spelling (engines.datafusion_sql
    # rewrites the common ones).
    datafusion_sql: str | None = None
    # False: chDB's Kusto dialect is known not to run this KQL (it is reported as unsupported
    # without trying); None: try it.
    chdb: bool | None = None


# The Timestamp column's Polars time zone in the data being queried: "UTC", or None for a
# data shape written without a zone (shapes.py); set by `configure_for`.
TIME_ZONE: str | None = "UTC"


def configure_for(data: Path) -> None:
    """Reads the time zone of DataSecurityEvents.Timestamp in `data`, for `_ts` literals."""
    global TIME_ZONE
    import pyarrow.parquet as pq

    files = sorted((data / "DataSecurityEvents").glob("*.parquet"))
    if files:
        t = pq.read_schema(files[0]).field("Timestamp").type
        TIME_ZONE = getattr(t, "tz", None)


def by_name(name: str) -> Query:
    for q in QUERIES:
        if q.name == name:
            return q
    raise KeyError(name)


# Polars helpers -------------------------------------------------------------------------------


def _ts(d: dt.datetime, pl):
    """A datetime literal comparable with the Timestamp columns (with or without a zone)."""
    if TIME_ZONE is None:
        return pl.lit(d.astimezone(UTC).replace(tzinfo=None))
    return pl.lit(d)


def _top(lf, pl, n: int, by: list[tuple[str, bool]]):
    """KQL `top n by a desc, b asc`: sort with explicit directions, keep n."""
    return lf.sort([c for c, _ in by], descending=[d for _, d in by], nulls_last=True).head(n)


QUERIES: list[Query] = []


def query(name: str, intent: str, kql: str, sql: str, ordered: bool = False,
          datafusion_sql: str | None = None, chdb: bool | None = None):
    """Decorator registering a query whose Polars version is the decorated function."""

    def register(fn):
        df = datafusion_sql.strip() if datafusion_sql else None
        QUERIES.append(Query(name, intent, kql.strip(), sql.strip(), fn, ordered, df, chdb))
        return fn

    return register


# DataSecurityEvents ---------------------------------------------------------------------------


@query(
    "dse-count",
    "Baseline: how many Purview activity events are there (metadata-only in a columnar engine).",
    "DataSecurityEvents | count",
    "SELECT count(*) AS Count FROM {DataSecurityEvents}",
)
def _(scan, pl):
    return scan("DataSecurityEvents").select(pl.len().alias("Count"))


@query(
    "dse-zip-uploads-by-user",
    "Exfiltration: users uploading .zip archives from endpoints (planted scenario: megan.bowen).",
    """
DataSecurityEvents
| where FileName endswith ".zip"
| where ActionType == "FileUploaded"
| summarize Uploads = count() by AccountUpn
""",
    """
SELECT AccountUpn, count(*) AS Uploads
FROM {DataSecurityEvents}
WHERE ends_with(lower(FileName), '.zip') AND ActionType = 'FileUploaded'
GROUP BY AccountUpn
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("FileName").str.to_lowercase().str.ends_with(".zip"))
        .filter(pl.col("ActionType") == "FileUploaded")
        .group_by("AccountUpn")
        .agg(pl.len().alias("Uploads"))
    )


@query(
    "dse-actions-by-workload",
    "Volume profile: events per workload and activity type.",
    "DataSecurityEvents | summarize Events = count() by Workload, ActionType",
    "SELECT Workload, ActionType, count(*) AS Events FROM {DataSecurityEvents} GROUP BY Workload, ActionType",
)
def _(scan, pl):
    return scan("DataSecurityEvents").group_by("Workload", "ActionType").agg(pl.len().alias("Events"))


@query(
    "dse-daily-active-users",
    "Timeline: events and distinct active users per day.",
    """
DataSecurityEvents
| where isnotempty(AccountUpn)
| summarize Events = count(), Users = dcount(AccountUpn) by bin(Timestamp, 1d)
""",
    """
SELECT date_trunc('day', "Timestamp") AS "Timestamp", count(*) AS Events,
       count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE AccountUpn <> ''
GROUP BY 1
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("AccountUpn") != "")
        .group_by(pl.col("Timestamp").dt.truncate("1d"))
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dse-copilot-hourly",
    "Timeline: Copilot interactions per hour over the last 7 days.",
    """
DataSecurityEvents
| where Timestamp > ago(7d)
| where Workload == "Copilot"
| summarize Interactions = count() by bin(Timestamp, 1h)
""",
    """
SELECT date_trunc('hour', "Timestamp") AS "Timestamp", count(*) AS Interactions
FROM {DataSecurityEvents}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-24 00:00:00+00' AND Workload = 'Copilot'
GROUP BY 1
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp") > _ts(AGO_7D, pl))
        .filter(pl.col("Workload") == "Copilot")
        .group_by(pl.col("Timestamp").dt.truncate("1h"))
        .agg(pl.len().alias("Interactions"))
    )


@query(
    "dse-risky-prompts-top-users",
    "Risky AI use: users entering the most risky prompts (Copilot and connected AI apps) in 7 days.",
    """
DataSecurityEvents
| where Timestamp > ago(7d)
| where ActionType has "prompt"
| summarize Prompts = count(), Apps = dcount(ApplicationNames) by AccountUpn
| top 20 by Prompts desc, AccountUpn asc
""",
    f"""
SELECT AccountUpn, count(*) AS Prompts, count(DISTINCT ApplicationNames) AS Apps
FROM {{DataSecurityEvents}}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-24 00:00:00+00'
  AND regexp_matches(ActionType, '{HAS("prompt")}')
GROUP BY AccountUpn
ORDER BY Prompts DESC, AccountUpn ASC
LIMIT 20
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp") > _ts(AGO_7D, pl))
        .filter(pl.col("ActionType").str.contains(HAS("prompt")))
        .group_by("AccountUpn")
        .agg(pl.len().alias("Prompts"), pl.col("ApplicationNames").n_unique().alias("Apps"))
    )
    return _top(lf, pl, 20, [("Prompts", True), ("AccountUpn", False)])


@query(
    "dse-label-downgrades",
    "Obfuscation: users who downgraded or removed sensitivity labels at least 5 times.",
    """
DataSecurityEvents
| where ActionType in ("Label downgraded on a file", "Label removed from a file")
| summarize Changes = count(), Files = dcount(ObjectId), First = min(Timestamp), Last = max(Timestamp)
    by AccountUpn, Department
| where Changes >= 5
| sort by Changes desc, AccountUpn asc
""",
    """
SELECT AccountUpn, Department, count(*) AS Changes, count(DISTINCT ObjectId) AS Files,
       min("Timestamp") AS First, max("Timestamp") AS Last
FROM {DataSecurityEvents}
WHERE ActionType IN ('Label downgraded on a file', 'Label removed from a file')
GROUP BY AccountUpn, Department
HAVING count(*) >= 5
ORDER BY Changes DESC, AccountUpn ASC
""",
    ordered=True,
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType").is_in(["Label downgraded on a file", "Label removed from a file"]))
        .group_by("AccountUpn", "Department")
        .agg(
            pl.len().alias("Changes"),
            pl.col("ObjectId").n_unique().alias("Files"),
            pl.col("Timestamp").min().alias("First"),
            pl.col("Timestamp").max().alias("Last"),
        )
        .filter(pl.col("Changes") >= 5)
        .sort(["Changes", "AccountUpn"], descending=[True, False])
    )


@query(
    "dse-usb-copies",
    "Exfiltration: copies to removable media per user and device maker, with bytes copied.",
    """
DataSecurityEvents
| where ActionType == "File copied to Removable media"
| summarize Copies = count(), Bytes = sum(ObjectSize) by AccountUpn, RemovableMediaManufacturer
| top 25 by Copies desc, AccountUpn asc, RemovableMediaManufacturer asc
""",
    """
SELECT AccountUpn, RemovableMediaManufacturer, count(*) AS Copies, sum(ObjectSize) AS Bytes
FROM {DataSecurityEvents}
WHERE ActionType = 'File copied to Removable media'
GROUP BY AccountUpn, RemovableMediaManufacturer
ORDER BY Copies DESC, AccountUpn ASC, RemovableMediaManufacturer ASC
LIMIT 25
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType") == "File copied to Removable media")
        .group_by("AccountUpn", "RemovableMediaManufacturer")
        .agg(pl.len().alias("Copies"), pl.col("ObjectSize").cast(pl.Int64).sum().alias("Bytes"))
    )
    return _top(lf, pl, 25, [("Copies", True), ("AccountUpn", False), ("RemovableMediaManufacturer", False)])


HIGHLY_CONFIDENTIAL = (
    "defa4170-0d19-0005-0009-bc88714345d2",
    "defa4170-0d19-0005-000a-bc88714345d2",
    "defa4170-0d19-0005-000b-bc88714345d2",
)


@query(
    "dse-highly-confidential-by-dept",
    "Data exposure: share of each department's activity that touches Highly Confidential content.",
    f"""
DataSecurityEvents
| summarize Events = count(),
            HighlyConfidential = countif(SensitivityLabelId in ("{HIGHLY_CONFIDENTIAL[0]}", "{HIGHLY_CONFIDENTIAL[1]}", "{HIGHLY_CONFIDENTIAL[2]}"))
    by Department
| extend Share = todouble(HighlyConfidential) / Events
""",
    f"""
SELECT Department, count(*) AS Events,
       count(*) FILTER (WHERE SensitivityLabelId IN {HIGHLY_CONFIDENTIAL}) AS HighlyConfidential,
       CAST(count(*) FILTER (WHERE SensitivityLabelId IN {HIGHLY_CONFIDENTIAL}) AS DOUBLE) / count(*) AS Share
FROM {{DataSecurityEvents}}
GROUP BY Department
""",
)
def _(scan, pl):
    hc = pl.col("SensitivityLabelId").is_in(list(HIGHLY_CONFIDENTIAL))
    return (
        scan("DataSecurityEvents")
        .group_by("Department")
        .agg(pl.len().alias("Events"), hc.sum().alias("HighlyConfidential"))
        .with_columns((pl.col("HighlyConfidential").cast(pl.Float64) / pl.col("Events")).alias("Share"))
    )


@query(
    "dse-upload-destinations",
    "Exfiltration: cloud upload destinations, with how many users uploaded to each.",
    """
DataSecurityEvents
| where ActionType in ("FileUploaded", "File upload to cloud")
| summarize Uploads = count(), Users = dcount(AccountUpn), Bytes = sum(ObjectSize) by TargetUrlDomain
| sort by Uploads desc, TargetUrlDomain asc
""",
    """
SELECT TargetUrlDomain, count(*) AS Uploads, count(DISTINCT AccountUpn) AS Users, sum(ObjectSize) AS Bytes
FROM {DataSecurityEvents}
WHERE ActionType IN ('FileUploaded', 'File upload to cloud')
GROUP BY TargetUrlDomain
ORDER BY Uploads DESC, TargetUrlDomain ASC
""",
    ordered=True,
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType").is_in(["FileUploaded", "File upload to cloud"]))
        .group_by("TargetUrlDomain")
        .agg(
            pl.len().alias("Uploads"),
            pl.col("AccountUpn").n_unique().alias("Users"),
            pl.col("ObjectSize").cast(pl.Int64).sum().alias("Bytes"),
        )
        .sort(["Uploads", "TargetUrlDomain"], descending=[True, False])
    )


@query(
    "dse-contains-budget",
    "Keyword hunt: activity on files whose name mentions a budget (case-insensitive substring).",
    """
DataSecurityEvents
| where ObjectName contains "budget"
| summarize Events = count(), Files = dcount(ObjectName) by Department, ActionType
""",
    """
SELECT Department, ActionType, count(*) AS Events, count(DISTINCT ObjectName) AS Files
FROM {DataSecurityEvents}
WHERE contains(lower(ObjectName), 'budget')
GROUP BY Department, ActionType
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ObjectName").str.to_lowercase().str.contains("budget", literal=True))
        .group_by("Department", "ActionType")
        .agg(pl.len().alias("Events"), pl.col("ObjectName").n_unique().alias("Files"))
    )


@query(
    "dse-finance-site-access",
    "Access review: who touches the Finance SharePoint site (startswith is case-insensitive).",
    """
DataSecurityEvents
| where SiteUrl startswith "https://contoso.sharepoint.com/sites/finance"
| summarize Events = count(), Downloads = countif(ActionType == "File downloaded from SharePoint") by Department
""",
    """
SELECT Department, count(*) AS Events,
       count(*) FILTER (WHERE ActionType = 'File downloaded from SharePoint') AS Downloads
FROM {DataSecurityEvents}
WHERE starts_with(lower(SiteUrl), 'https://contoso.sharepoint.com/sites/finance')
GROUP BY Department
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("SiteUrl").str.to_lowercase().str.starts_with("https://contoso.sharepoint.com/sites/finance"))
        .group_by("Department")
        .agg(
            pl.len().alias("Events"),
            (pl.col("ActionType") == "File downloaded from SharePoint").sum().alias("Downloads"),
        )
    )


@query(
    "dse-hr-department-eq-ci",
    "Department watch: Human Resources activity by category (=~ is case-insensitive equality).",
    """
DataSecurityEvents
| where Department =~ "human resources"
| summarize Events = count(), Users = dcount(AccountUpn) by IrmActionCategory
""",
    """
SELECT IrmActionCategory, count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE lower(Department) = 'human resources'
GROUP BY IrmActionCategory
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Department").str.to_lowercase() == "human resources")
        .group_by("IrmActionCategory")
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dse-usb-devices-distinct",
    "Inventory: distinct (user, removable device model) pairs seen copying files.",
    """
DataSecurityEvents
| where ActionType == "File copied to Removable media"
| distinct AccountUpn, RemovableMediaManufacturer, RemovableMediaModel
""",
    """
SELECT DISTINCT AccountUpn, RemovableMediaManufacturer, RemovableMediaModel
FROM {DataSecurityEvents}
WHERE ActionType = 'File copied to Removable media'
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType") == "File copied to Removable media")
        .select("AccountUpn", "RemovableMediaManufacturer", "RemovableMediaModel")
        .unique()
    )


@query(
    "dse-file-size-by-extension",
    "File profile: count, average and largest size per file extension (files only).",
    """
DataSecurityEvents
| where isnotempty(FileExtension)
| summarize Files = count(), AvgSize = avg(ObjectSize), MaxSize = max(ObjectSize), MinSize = min(ObjectSize)
    by FileExtension
""",
    """
SELECT FileExtension, count(*) AS Files, avg(ObjectSize) AS AvgSize, max(ObjectSize) AS MaxSize,
       min(ObjectSize) AS MinSize
FROM {DataSecurityEvents}
WHERE FileExtension <> ''
GROUP BY FileExtension
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("FileExtension") != "")
        .group_by("FileExtension")
        .agg(
            pl.len().alias("Files"),
            pl.col("ObjectSize").mean().alias("AvgSize"),
            pl.col("ObjectSize").max().alias("MaxSize"),
            pl.col("ObjectSize").min().alias("MinSize"),
        )
    )


@query(
    "dse-largest-uploads",
    "Exfiltration: the 10 largest files uploaded from endpoints, newest first on ties.",
    """
DataSecurityEvents
| where ActionType == "FileUploaded"
| top 10 by ObjectSize desc, Timestamp desc, ObjectId asc
| project Timestamp, AccountUpn, ObjectName, ObjectSize, TargetUrlDomain
""",
    """
SELECT "Timestamp", AccountUpn, ObjectName, ObjectSize, TargetUrlDomain
FROM {DataSecurityEvents}
WHERE ActionType = 'FileUploaded'
ORDER BY ObjectSize DESC NULLS LAST, "Timestamp" DESC, ObjectId ASC
LIMIT 10
""",
    ordered=True,
)
def _(scan, pl):
    lf = scan("DataSecurityEvents").filter(pl.col("ActionType") == "FileUploaded")
    lf = _top(lf, pl, 10, [("ObjectSize", True), ("Timestamp", True), ("ObjectId", False)])
    return lf.select("Timestamp", "AccountUpn", "ObjectName", "ObjectSize", "TargetUrlDomain")


@query(
    "dse-exfil-window",
    "Incident window: exfiltration and collection activity in one week, by category and workload.",
    """
DataSecurityEvents
| where Timestamp between (datetime(2025-06-16) .. datetime(2025-06-22T23:59:59))
| where IrmActionCategory in ("Exfiltration", "Collection")
| summarize Events = count(), Users = dcount(AccountUpn) by IrmActionCategory, Workload
""",
    """
SELECT IrmActionCategory, Workload, count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE "Timestamp" BETWEEN TIMESTAMPTZ '2025-06-16 00:00:00+00' AND TIMESTAMPTZ '2025-06-22 23:59:59+00'
  AND IrmActionCategory IN ('Exfiltration', 'Collection')
GROUP BY IrmActionCategory, Workload
""",
)
def _(scan, pl):
    lo = dt.datetime(2025, 6, 16, tzinfo=UTC)
    hi = dt.datetime(2025, 6, 22, 23, 59, 59, tzinfo=UTC)
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp").is_between(_ts(lo, pl), _ts(hi, pl), closed="both"))
        .filter(pl.col("IrmActionCategory").is_in(["Exfiltration", "Collection"]))
        .group_by("IrmActionCategory", "Workload")
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dse-endpoint-megabytes",
    "Endpoint volume: megabytes moved per endpoint action (extend with real arithmetic).",
    """
DataSecurityEvents
| where Workload == "Endpoint" and ObjectSize > 0
| extend SizeMB = ObjectSize / 1048576.0
| summarize Files = count(), TotalMB = sum(SizeMB), AvgMB = avg(SizeMB) by ActionType
""",
    """
SELECT ActionType, count(*) AS Files, sum(ObjectSize / 1048576.0) AS TotalMB,
       avg(ObjectSize / 1048576.0) AS AvgMB
FROM {DataSecurityEvents}
WHERE Workload = 'Endpoint' AND ObjectSize > 0
GROUP BY ActionType
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter((pl.col("Workload") == "Endpoint") & (pl.col("ObjectSize") > 0))
        .with_columns((pl.col("ObjectSize").cast(pl.Float64) / 1048576.0).alias("SizeMB"))
        .group_by("ActionType")
        .agg(pl.len().alias("Files"), pl.col("SizeMB").sum().alias("TotalMB"), pl.col("SizeMB").mean().alias("AvgMB"))
    )


@query(
    "dse-noise-excluded-count",
    "Triage: how much activity is left after excluding routine reads and Copilot (!in, !=).",
    """
DataSecurityEvents
| where ActionType !in ("File accessed on SPO", "FileModified", "Sensitive File read")
| where Workload != "Copilot"
| count
""",
    """
SELECT count(*) AS Count
FROM {DataSecurityEvents}
WHERE ActionType NOT IN ('File accessed on SPO', 'FileModified', 'Sensitive File read')
  AND Workload <> 'Copilot'
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(~pl.col("ActionType").is_in(["File accessed on SPO", "FileModified", "Sensitive File read"]))
        .filter(pl.col("Workload") != "Copilot")
        .select(pl.len().alias("Count"))
    )


@query(
    "dse-user-risk-score",
    "Risk scoring: a per-user score from weighted exfiltration signals, top 15 (iff, countif).",
    """
DataSecurityEvents
| where IrmActionCategory in ("Exfiltration", "Obfuscation")
| extend Weight = iff(ActionType has "Removable" or ActionType has "upload", 3, 1)
| summarize Score = sum(Weight), Events = count(), Obfuscation = countif(IrmActionCategory == "Obfuscation")
    by AccountUpn
| top 15 by Score desc, AccountUpn asc
""",
    f"""
SELECT AccountUpn,
       sum(CASE WHEN regexp_matches(ActionType, '{HAS("Removable")}')
                  OR regexp_matches(ActionType, '{HAS("upload")}') THEN 3 ELSE 1 END) AS Score,
       count(*) AS Events,
       count(*) FILTER (WHERE IrmActionCategory = 'Obfuscation') AS Obfuscation
FROM {{DataSecurityEvents}}
WHERE IrmActionCategory IN ('Exfiltration', 'Obfuscation')
GROUP BY AccountUpn
ORDER BY Score DESC, AccountUpn ASC
LIMIT 15
""",
    ordered=True,
)
def _(scan, pl):
    at = pl.col("ActionType")
    lf = (
        scan("DataSecurityEvents")
        .filter(pl.col("IrmActionCategory").is_in(["Exfiltration", "Obfuscation"]))
        .with_columns(
            pl.when(at.str.contains(HAS("Removable")) | at.str.contains(HAS("upload")))
            .then(3)
            .otherwise(1)
            .cast(pl.Int64)
            .alias("Weight")
        )
        .group_by("AccountUpn")
        .agg(
            pl.col("Weight").sum().alias("Score"),
            pl.len().alias("Events"),
            (pl.col("IrmActionCategory") == "Obfuscation").sum().alias("Obfuscation"),
        )
    )
    return _top(lf, pl, 15, [("Score", True), ("AccountUpn", False)])


@query(
    "dse-size-buckets",
    "File profile: mid-size files (1-100 MiB) in 10 MiB buckets (between, integer division, bin on a long).",
    """
DataSecurityEvents
| where ObjectSize between (1048576 .. 104857600)
| summarize Files = count(), Users = dcount(AccountUpn) by SizeBucketMB = bin(ObjectSize / 1048576, 10)
""",
    """
SELECT (ObjectSize // 1048576) // 10 * 10 AS SizeBucketMB, count(*) AS Files, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE ObjectSize BETWEEN 1048576 AND 104857600
GROUP BY 1
""",
    datafusion_sql="""
SELECT (CAST(ObjectSize AS BIGINT) / 1048576) / 10 * 10 AS SizeBucketMB, count(*) AS Files, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE ObjectSize BETWEEN 1048576 AND 104857600
GROUP BY 1
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ObjectSize").is_between(1048576, 104857600, closed="both"))
        .group_by((pl.col("ObjectSize").cast(pl.Int64) // 1048576 // 10 * 10).alias("SizeBucketMB"))
        .agg(pl.len().alias("Files"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dse-upn-shape-by-dept",
    "Identity hygiene: UPN lengths per department (strlen, toupper in extend).",
    """
DataSecurityEvents
| where isnotempty(AccountUpn)
| extend Len = strlen(AccountUpn), Dept = toupper(Department)
| summarize Users = dcount(AccountUpn), AvgLen = avg(Len), MaxLen = max(Len) by Dept
""",
    """
SELECT upper(Department) AS Dept, count(DISTINCT AccountUpn) AS Users, avg(length(AccountUpn)) AS AvgLen,
       max(length(AccountUpn)) AS MaxLen
FROM {DataSecurityEvents}
WHERE AccountUpn <> ''
GROUP BY 1
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("AccountUpn") != "")
        .with_columns(pl.col("AccountUpn").str.len_chars().alias("Len"), pl.col("Department").str.to_uppercase().alias("Dept"))
        .group_by("Dept")
        .agg(pl.col("AccountUpn").n_unique().alias("Users"), pl.col("Len").mean().alias("AvgLen"), pl.col("Len").max().alias("MaxLen"))
    )


@query(
    "dse-no-matches-summarize",
    "Negative check: activity of a type that never occurs; summarize without `by` still returns one row (count 0, sum 0).",
    """
DataSecurityEvents
| where ActionType == "File printed"
| summarize Events = count(), Bytes = sum(ObjectSize), Users = dcount(AccountUpn)
""",
    """
SELECT count(*) AS Events, coalesce(sum(ObjectSize), 0) AS Bytes, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE ActionType = 'File printed'
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType") == "File printed")
        .select(
            pl.len().alias("Events"),
            pl.col("ObjectSize").count().alias("Sized"),
            pl.col("AccountUpn").n_unique().alias("Users"),
        )
    )


@query(
    "dse-label-or-usb-not-draft",
    "Obfuscation and USB activity on files that are not drafts (has_any, !contains).",
    """
DataSecurityEvents
| where ActionType has_any ("Label", "Removable") and ObjectName !contains "draft"
| summarize Events = count(), Files = dcount(ObjectName) by ActionType
""",
    """
SELECT ActionType, count(*) AS Events, count(DISTINCT ObjectName) AS Files
FROM {DataSecurityEvents}
WHERE regexp_matches(ActionType, '(?i)(^|[^0-9a-z])(label|removable)($|[^0-9a-z])')
  AND NOT contains(lower(ObjectName), 'draft')
GROUP BY ActionType
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType").str.contains("(?i)(^|[^0-9a-z])(label|removable)($|[^0-9a-z])"))
        .filter(~pl.col("ObjectName").str.to_lowercase().str.contains("draft", literal=True))
        .group_by("ActionType")
        .agg(pl.len().alias("Events"), pl.col("ObjectName").n_unique().alias("Files"))
    )


@query(
    "dse-latest-events-sort-take",
    "Timeline tail: the 20 most recent events of the window (sort + take).",
    """
DataSecurityEvents
| where Timestamp > datetime(2025-06-30T20:00:00Z)
| sort by Timestamp desc, ObjectId asc
| take 20
| project Timestamp, AccountUpn, ActionType, ObjectName
""",
    """
SELECT "Timestamp", AccountUpn, ActionType, ObjectName
FROM {DataSecurityEvents}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-30 20:00:00+00'
ORDER BY "Timestamp" DESC, ObjectId ASC
LIMIT 20
""",
    ordered=True,
)
def _(scan, pl):
    lo = dt.datetime(2025, 6, 30, 20, tzinfo=UTC)
    lf = scan("DataSecurityEvents").filter(pl.col("Timestamp") > _ts(lo, pl))
    return _top(lf, pl, 20, [("Timestamp", True), ("ObjectId", False)]).select(
        "Timestamp", "AccountUpn", "ActionType", "ObjectName"
    )


@query(
    "dse-usb-users-without-behavior-rightanti",
    "Detection gap: users copying to USB who have no anomalous IRM behavior (join kind=rightanti).",
    """
DataSecurityBehaviors
| where IsAnomalous == true
| distinct AccountUpn
| join kind=rightanti (
    DataSecurityEvents
    | where ActionType == "File copied to Removable media"
    | summarize Copies = count() by AccountUpn
) on AccountUpn
""",
    """
SELECT e.AccountUpn, e.Copies
FROM (SELECT AccountUpn, count(*) AS Copies FROM {DataSecurityEvents}
      WHERE ActionType = 'File copied to Removable media' GROUP BY AccountUpn) e
WHERE e.AccountUpn NOT IN (SELECT AccountUpn FROM {DataSecurityBehaviors} WHERE IsAnomalous = true)
""",
)
def _(scan, pl):
    anomalous = scan("DataSecurityBehaviors").filter(pl.col("IsAnomalous") == True).select("AccountUpn")  # noqa: E712
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType") == "File copied to Removable media")
        .group_by("AccountUpn")
        .agg(pl.len().alias("Copies"))
        .join(anomalous, on="AccountUpn", how="anti")
    )


# DataSecurityBehaviors ------------------------------------------------------------------------


@query(
    "dsb-anomalous-by-type",
    "IRM insights: anomalous behaviors per type, with users and activity volume.",
    """
DataSecurityBehaviors
| where IsAnomalous == true
| summarize Behaviors = count(), Users = dcount(AccountUpn), Activities = sum(ActivityCount) by ActionType, ActionCategory
""",
    """
SELECT ActionType, ActionCategory, count(*) AS Behaviors, count(DISTINCT AccountUpn) AS Users,
       sum(ActivityCount) AS Activities
FROM {DataSecurityBehaviors}
WHERE IsAnomalous = true
GROUP BY ActionType, ActionCategory
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityBehaviors")
        .filter(pl.col("IsAnomalous") == True)  # noqa: E712 (mirrors the KQL)
        .group_by("ActionType", "ActionCategory")
        .agg(
            pl.len().alias("Behaviors"),
            pl.col("AccountUpn").n_unique().alias("Users"),
            pl.col("ActivityCount").cast(pl.Int64).sum().alias("Activities"),
        )
    )


@query(
    "dsb-long-behaviors",
    "IRM insights: behaviors spanning more than 4 hours of activity (timespan arithmetic).",
    # The longest span is returned in hours (timespan / timespan is a real): DuckDB keeps
    # microseconds and Polars nanoseconds, so a raw timespan can differ by 1 µs between them.
    # DuckDB 2 cannot subtract TIMESTAMPTZ_NS values: the SQL casts to microseconds first.
    """
DataSecurityBehaviors
| extend Duration = EndTime - StartTime
| where Duration > 4h
| summarize Behaviors = count(), Longest = max(Duration) by ActionCategory
| extend LongestHours = Longest / 1h
| project ActionCategory, Behaviors, LongestHours
""",
    """
SELECT ActionCategory, count(*) AS Behaviors,
       epoch(max(CAST(EndTime AS TIMESTAMPTZ) - CAST(StartTime AS TIMESTAMPTZ))) / 3600.0 AS LongestHours
FROM {DataSecurityBehaviors}
WHERE CAST(EndTime AS TIMESTAMPTZ) - CAST(StartTime AS TIMESTAMPTZ) > INTERVAL 4 HOUR
GROUP BY ActionCategory
""",
    datafusion_sql="""
SELECT ActionCategory, count(*) AS Behaviors,
       CAST(arrow_cast(max(EndTime - StartTime), 'Duration(Nanosecond)') AS BIGINT) / 3.6e12 AS LongestHours
FROM {DataSecurityBehaviors}
WHERE EndTime - StartTime > INTERVAL '4 hours'
GROUP BY ActionCategory
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityBehaviors")
        .with_columns((pl.col("EndTime") - pl.col("StartTime")).alias("Duration"))
        .filter(pl.col("Duration") > pl.duration(hours=4))
        .group_by("ActionCategory")
        .agg(pl.len().alias("Behaviors"), pl.col("Duration").max().alias("Longest"))
        .select("ActionCategory", "Behaviors", (pl.col("Longest").dt.total_nanoseconds() / 3.6e12).alias("LongestHours"))
    )


@query(
    "dsb-anomalous-users-events",
    "Drill-down: event volume of users with an anomalous behavior (join kind=inner).",
    """
DataSecurityBehaviors
| where IsAnomalous == true
| distinct AccountUpn
| join kind=inner (
    DataSecurityEvents
    | summarize Events = count(), Exfil = countif(IrmActionCategory == "Exfiltration") by AccountUpn
) on AccountUpn
| project AccountUpn, Events, Exfil
""",
    """
WITH anomalous AS (
    SELECT DISTINCT AccountUpn FROM {DataSecurityBehaviors} WHERE IsAnomalous = true
), ev AS (
    SELECT AccountUpn, count(*) AS Events,
           count(*) FILTER (WHERE IrmActionCategory = 'Exfiltration') AS Exfil
    FROM {DataSecurityEvents}
    GROUP BY AccountUpn
)
SELECT a.AccountUpn, ev.Events, ev.Exfil
FROM anomalous a JOIN ev ON a.AccountUpn = ev.AccountUpn
""",
)
def _(scan, pl):
    anomalous = scan("DataSecurityBehaviors").filter(pl.col("IsAnomalous") == True).select("AccountUpn").unique()  # noqa: E712
    ev = (
        scan("DataSecurityEvents")
        .group_by("AccountUpn")
        .agg(pl.len().alias("Events"), (pl.col("IrmActionCategory") == "Exfiltration").sum().alias("Exfil"))
    )
    return anomalous.join(ev, on="AccountUpn", how="inner").select("AccountUpn", "Events", "Exfil")


@query(
    "dse-events-of-anomalous-users-semi",
    "Drill-down: last-7-day events of users with anomalous behaviors, by workload (leftsemi join).",
    """
DataSecurityEvents
| where Timestamp > ago(7d)
| join kind=leftsemi (DataSecurityBehaviors | where IsAnomalous == true) on AccountUpn
| summarize Events = count(), Users = dcount(AccountUpn) by Workload
""",
    """
SELECT Workload, count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents} e
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-24 00:00:00+00'
  AND AccountUpn IN (SELECT AccountUpn FROM {DataSecurityBehaviors} WHERE IsAnomalous = true)
GROUP BY Workload
""",
)
def _(scan, pl):
    anomalous = scan("DataSecurityBehaviors").filter(pl.col("IsAnomalous") == True).select("AccountUpn")  # noqa: E712
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp") > _ts(AGO_7D, pl))
        .join(anomalous, on="AccountUpn", how="semi")
        .group_by("Workload")
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


# AlertInfo / AlertEvidence --------------------------------------------------------------------


@query(
    "alerts-by-severity-source",
    "Alert triage: alerts per severity and product.",
    "AlertInfo | summarize Alerts = count() by Severity, ServiceSource",
    "SELECT Severity, ServiceSource, count(*) AS Alerts FROM {AlertInfo} GROUP BY Severity, ServiceSource",
)
def _(scan, pl):
    return scan("AlertInfo").group_by("Severity", "ServiceSource").agg(pl.len().alias("Alerts"))


@query(
    "alerts-high-daily",
    "Alert timeline: High and Medium alerts per day and category.",
    """
AlertInfo
| where Severity in~ ("high", "medium")
| summarize Alerts = count() by bin(Timestamp, 1d), Category
""",
    """
SELECT date_trunc('day', "Timestamp") AS "Timestamp", Category, count(*) AS Alerts
FROM {AlertInfo}
WHERE lower(Severity) IN ('high', 'medium')
GROUP BY 1, Category
""",
)
def _(scan, pl):
    return (
        scan("AlertInfo")
        .filter(pl.col("Severity").str.to_lowercase().is_in(["high", "medium"]))
        .group_by(pl.col("Timestamp").dt.truncate("1d"), "Category")
        .agg(pl.len().alias("Alerts"))
    )


@query(
    "alerts-users-inner-join",
    "Who is hit: users with the most High/Medium alerts (AlertInfo join AlertEvidence, kind=inner).",
    """
AlertInfo
| where Severity in ("High", "Medium")
| join kind=inner (AlertEvidence | where EntityType == "User" | project AlertId, AccountUpn) on AlertId
| summarize Alerts = dcount(AlertId), Titles = dcount(Title) by AccountUpn
| top 20 by Alerts desc, AccountUpn asc
""",
    """
SELECT e.AccountUpn, count(DISTINCT i.AlertId) AS Alerts, count(DISTINCT i.Title) AS Titles
FROM {AlertInfo} i
JOIN (SELECT AlertId, AccountUpn FROM {AlertEvidence} WHERE EntityType = 'User') e ON i.AlertId = e.AlertId
WHERE i.Severity IN ('High', 'Medium')
GROUP BY e.AccountUpn
ORDER BY Alerts DESC, e.AccountUpn ASC
LIMIT 20
""",
    ordered=True,
)
def _(scan, pl):
    ev = scan("AlertEvidence").filter(pl.col("EntityType") == "User").select("AlertId", "AccountUpn")
    lf = (
        scan("AlertInfo")
        .filter(pl.col("Severity").is_in(["High", "Medium"]))
        .join(ev, on="AlertId", how="inner")
        .group_by("AccountUpn")
        .agg(pl.col("AlertId").n_unique().alias("Alerts"), pl.col("Title").n_unique().alias("Titles"))
    )
    return _top(lf, pl, 20, [("Alerts", True), ("AccountUpn", False)])


@query(
    "alerts-file-evidence-innerunique",
    "Malware triage: file names in alert evidence per alert category (default join = innerunique).",
    """
AlertInfo
| project AlertId, Category
| join (AlertEvidence | where EntityType == "File") on AlertId
| summarize Evidence = count(), Alerts = dcount(AlertId) by Category, FileName
""",
    """
SELECT i.Category, e.FileName, count(*) AS Evidence, count(DISTINCT i.AlertId) AS Alerts
FROM (SELECT DISTINCT ON (AlertId) AlertId, Category FROM {AlertInfo}) i
JOIN {AlertEvidence} e ON i.AlertId = e.AlertId
WHERE e.EntityType = 'File'
GROUP BY i.Category, e.FileName
""",
)
def _(scan, pl):
    # innerunique keeps one left row per key; AlertInfo has one row per AlertId anyway.
    info = scan("AlertInfo").select("AlertId", "Category").unique(subset=["AlertId"], keep="first")
    ev = scan("AlertEvidence").filter(pl.col("EntityType") == "File").select("AlertId", "FileName")
    return (
        info.join(ev, on="AlertId", how="inner")
        .group_by("Category", "FileName")
        .agg(pl.len().alias("Evidence"), pl.col("AlertId").n_unique().alias("Alerts"))
    )


@query(
    "alerts-without-machine-leftanti",
    "Coverage gap: alerts with no Machine evidence, per product (join kind=leftanti).",
    """
AlertInfo
| join kind=leftanti (AlertEvidence | where EntityType == "Machine") on AlertId
| summarize Alerts = count() by ServiceSource
""",
    """
SELECT ServiceSource, count(*) AS Alerts
FROM {AlertInfo} i
WHERE NOT EXISTS (SELECT 1 FROM {AlertEvidence} e WHERE e.EntityType = 'Machine' AND e.AlertId = i.AlertId)
GROUP BY ServiceSource
""",
)
def _(scan, pl):
    machines = scan("AlertEvidence").filter(pl.col("EntityType") == "Machine").select("AlertId")
    return (
        scan("AlertInfo")
        .join(machines, on="AlertId", how="anti")
        .group_by("ServiceSource")
        .agg(pl.len().alias("Alerts"))
    )


@query(
    "alerts-exfil-devices-leftouter",
    "Exfiltration alerts and the devices involved, if any (join kind=leftouter).",
    """
AlertInfo
| where Category == "Exfiltration"
| join kind=leftouter (AlertEvidence | where EntityType == "Machine" | project AlertId, DeviceName) on AlertId
| summarize Alerts = dcount(AlertId), WithDevice = countif(isnotempty(DeviceName)) by Title
""",
    """
SELECT i.Title, count(DISTINCT i.AlertId) AS Alerts, count(*) FILTER (WHERE coalesce(e.DeviceName, '') <> '') AS WithDevice
FROM {AlertInfo} i
LEFT JOIN (SELECT AlertId, DeviceName FROM {AlertEvidence} WHERE EntityType = 'Machine') e ON i.AlertId = e.AlertId
WHERE i.Category = 'Exfiltration'
GROUP BY i.Title
""",
)
def _(scan, pl):
    machines = scan("AlertEvidence").filter(pl.col("EntityType") == "Machine").select("AlertId", "DeviceName")
    return (
        scan("AlertInfo")
        .filter(pl.col("Category") == "Exfiltration")
        .join(machines, on="AlertId", how="left")
        .group_by("Title")
        .agg(
            pl.col("AlertId").n_unique().alias("Alerts"),
            (pl.col("DeviceName").fill_null("") != "").sum().alias("WithDevice"),
        )
    )


@query(
    "alerts-mde-machines-fullouter",
    "Reconciliation: MDE alerts vs Machine evidence, counting rows present on one side only (join kind=fullouter).",
    """
AlertInfo
| where ServiceSource == "Microsoft Defender for Endpoint"
| project AlertId, Severity
| join kind=fullouter (AlertEvidence | where EntityType == "Machine" | project AlertId, DeviceName) on AlertId
| summarize Rows = count(), InfoOnly = countif(isempty(AlertId1)), EvidenceOnly = countif(isempty(AlertId)),
            Devices = dcount(DeviceName)
""",
    """
SELECT count(*) AS Rows,
       count(*) FILTER (WHERE e.AlertId IS NULL) AS InfoOnly,
       count(*) FILTER (WHERE i.AlertId IS NULL) AS EvidenceOnly,
       count(DISTINCT coalesce(e.DeviceName, '')) AS Devices
FROM (SELECT AlertId, Severity FROM {AlertInfo} WHERE ServiceSource = 'Microsoft Defender for Endpoint') i
FULL OUTER JOIN (SELECT AlertId, DeviceName FROM {AlertEvidence} WHERE EntityType = 'Machine') e
  ON i.AlertId = e.AlertId
""",
)
def _(scan, pl):
    info = scan("AlertInfo").filter(pl.col("ServiceSource") == "Microsoft Defender for Endpoint").select("AlertId", "Severity")
    ev = scan("AlertEvidence").filter(pl.col("EntityType") == "Machine").select("AlertId", "DeviceName")
    j = info.join(ev, on="AlertId", how="full", suffix="1")
    return j.select(
        pl.len().alias("Rows"),
        pl.col("AlertId1").is_null().sum().alias("InfoOnly"),
        pl.col("AlertId").is_null().sum().alias("EvidenceOnly"),
        pl.col("DeviceName").fill_null("").n_unique().alias("Devices"),
    )


@query(
    "evidence-top-remote-ips",
    "Network IOC: remote IPs appearing in the most alerts.",
    """
AlertEvidence
| where EntityType == "Ip"
| summarize Alerts = dcount(AlertId), First = min(Timestamp) by RemoteIP
| top 10 by Alerts desc, RemoteIP asc
""",
    """
SELECT RemoteIP, count(DISTINCT AlertId) AS Alerts, min("Timestamp") AS First
FROM {AlertEvidence}
WHERE EntityType = 'Ip'
GROUP BY RemoteIP
ORDER BY Alerts DESC, RemoteIP ASC
LIMIT 10
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("AlertEvidence")
        .filter(pl.col("EntityType") == "Ip")
        .group_by("RemoteIP")
        .agg(pl.col("AlertId").n_unique().alias("Alerts"), pl.col("Timestamp").min().alias("First"))
    )
    return _top(lf, pl, 10, [("Alerts", True), ("RemoteIP", False)])


@query(
    "evidence-encoded-powershell",
    "Execution: encoded or hidden PowerShell command lines in process evidence (has, contains).",
    """
AlertEvidence
| where EntityType == "Process"
| where ProcessCommandLine has "powershell" and (ProcessCommandLine contains "-enc" or ProcessCommandLine contains "hidden")
| summarize Alerts = dcount(AlertId), Devices = dcount(DeviceName) by FileName
""",
    f"""
SELECT FileName, count(DISTINCT AlertId) AS Alerts, count(DISTINCT DeviceName) AS Devices
FROM {{AlertEvidence}}
WHERE EntityType = 'Process'
  AND regexp_matches(ProcessCommandLine, '{HAS("powershell")}')
  AND (contains(lower(ProcessCommandLine), '-enc') OR contains(lower(ProcessCommandLine), 'hidden'))
GROUP BY FileName
""",
)
def _(scan, pl):
    cl = pl.col("ProcessCommandLine")
    lo = cl.str.to_lowercase()
    return (
        scan("AlertEvidence")
        .filter(pl.col("EntityType") == "Process")
        .filter(cl.str.contains(HAS("powershell")))
        .filter(lo.str.contains("-enc", literal=True) | lo.str.contains("hidden", literal=True))
        .group_by("FileName")
        .agg(pl.col("AlertId").n_unique().alias("Alerts"), pl.col("DeviceName").n_unique().alias("Devices"))
    )


@query(
    "irm-alert-users-to-events",
    "Insider risk: IRM alert users and their last-7-day activity (two joins across three tables).",
    """
AlertInfo
| where AlertId startswith "ir"
| join kind=inner (AlertEvidence | where EntityType == "User" | project AlertId, AccountUpn) on AlertId
| join kind=inner (
    DataSecurityEvents
    | where Timestamp > ago(7d)
    | summarize Events = count(), Actions = dcount(ActionType) by AccountUpn
) on AccountUpn
| project AlertId, Title, Severity, AccountUpn, Events, Actions
""",
    """
WITH ev AS (
    SELECT AccountUpn, count(*) AS Events, count(DISTINCT ActionType) AS Actions
    FROM {DataSecurityEvents}
    WHERE "Timestamp" > TIMESTAMPTZ '2025-06-24 00:00:00+00'
    GROUP BY AccountUpn
)
SELECT i.AlertId, i.Title, i.Severity, u.AccountUpn, ev.Events, ev.Actions
FROM {AlertInfo} i
JOIN (SELECT AlertId, AccountUpn FROM {AlertEvidence} WHERE EntityType = 'User') u ON i.AlertId = u.AlertId
JOIN ev ON u.AccountUpn = ev.AccountUpn
WHERE starts_with(lower(i.AlertId), 'ir')
""",
)
def _(scan, pl):
    users = scan("AlertEvidence").filter(pl.col("EntityType") == "User").select("AlertId", "AccountUpn")
    ev = (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp") > _ts(AGO_7D, pl))
        .group_by("AccountUpn")
        .agg(pl.len().alias("Events"), pl.col("ActionType").n_unique().alias("Actions"))
    )
    return (
        scan("AlertInfo")
        .filter(pl.col("AlertId").str.to_lowercase().str.starts_with("ir"))
        .join(users, on="AlertId", how="inner")
        .join(ev, on="AccountUpn", how="inner")
        .select("AlertId", "Title", "Severity", "AccountUpn", "Events", "Actions")
    )


# Hunting patterns the held-out benchmark found slow (issue 12) --------------------------------


@query(
    "dse-latest-object-version-argmax",
    "Deduplication: the latest event of each object (arg_max(Timestamp, *)), then its actions, users and sized objects.",
    """
DataSecurityEvents
| summarize arg_max(Timestamp, *) by ObjectId
| summarize Objects = count(), Users = dcount(AccountUpn), Sized = countif(isnotnull(ObjectSize)) by ActionType
""",
    """
SELECT ActionType, count(*) AS Objects, count(DISTINCT AccountUpn) AS Users, count(ObjectSize) AS Sized
FROM (
    SELECT DISTINCT ON (ObjectId) ObjectId, ActionType, AccountUpn, ObjectSize
    FROM {DataSecurityEvents}
    ORDER BY ObjectId, "Timestamp" DESC
)
GROUP BY ActionType
""",
)
def _(scan, pl):
    cols = ["ActionType", "AccountUpn", "ObjectSize"]
    latest = scan("DataSecurityEvents").group_by("ObjectId").agg(
        [pl.col(c).sort_by("Timestamp").last() for c in cols]
    )
    return latest.group_by("ActionType").agg(
        pl.len().alias("Objects"),
        pl.col("AccountUpn").n_unique().alias("Users"),
        pl.col("ObjectSize").count().alias("Sized"),
    )


@query(
    "dse-sensitive-info-dcountif",
    "Sensitive content: events with classified content (tostring(dynamic) !in), distinct uploaded objects and managed-device users by department.",
    """
DataSecurityEvents
| where tostring(SensitiveInfoTypeInfo) !in ("", "[]")
| summarize Objects = dcountif(ObjectId, ActionType == "FileUploaded"), Users = dcountif(AccountUpn, IsManagedDevice) by Department
""",
    """
SELECT Department,
       count(DISTINCT ObjectId) FILTER (WHERE ActionType = 'FileUploaded') AS Objects,
       count(DISTINCT AccountUpn) FILTER (WHERE IsManagedDevice) AS Users
FROM {DataSecurityEvents}
WHERE coalesce(SensitiveInfoTypeInfo, '') NOT IN ('', '[]')
GROUP BY Department
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(~pl.col("SensitiveInfoTypeInfo").fill_null("").is_in(["", "[]"]))
        .group_by("Department")
        .agg(
            pl.col("ObjectId").filter(pl.col("ActionType") == "FileUploaded").n_unique().alias("Objects"),
            pl.col("AccountUpn").filter(pl.col("IsManagedDevice").fill_null(False)).n_unique().alias("Users"),
        )
    )


@query(
    "dse-unmanaged-uploaders-dcountif-make-set",
    "Unmanaged devices: the busiest users with files, their upload devices (dcountif) and set of actions (make_set).",
    """
DataSecurityEvents
| where IsManagedDevice == false and isnotempty(FileExtension)
| summarize Events = count(), Devices = dcountif(DeviceId, ActionType == "FileUploaded"), Actions = make_set(ActionType) by AccountUpn
| extend Actions = array_length(Actions)
| top 10 by Events desc, AccountUpn asc
""",
    """
SELECT AccountUpn, count(*) AS Events,
       count(DISTINCT DeviceId) FILTER (WHERE ActionType = 'FileUploaded') AS Devices,
       count(DISTINCT ActionType) AS Actions
FROM {DataSecurityEvents}
WHERE IsManagedDevice = false AND coalesce(FileExtension, '') <> ''
GROUP BY AccountUpn
ORDER BY Events DESC, AccountUpn ASC
LIMIT 10
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("DataSecurityEvents")
        .filter((pl.col("IsManagedDevice") == False) & (pl.col("FileExtension").fill_null("") != ""))  # noqa: E712
        .group_by("AccountUpn")
        .agg(
            pl.len().alias("Events"),
            pl.col("DeviceId").filter(pl.col("ActionType") == "FileUploaded").n_unique().alias("Devices"),
            pl.col("ActionType").n_unique().alias("Actions"),
        )
    )
    return _top(lf, pl, 10, [("Events", True), ("AccountUpn", False)])


# The hunting patterns of issue 12 live in their own modules; importing them registers them.
import queries_hunting  # noqa: E402,F401
import queries_aggregates  # noqa: E402,F401
