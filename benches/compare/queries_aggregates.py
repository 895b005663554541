"""More hunting patterns for the comparison suite (issue 12), second part: aggregation shapes.

Registered into queries.QUERIES (after queries_hunting.py's) by importing this module; the
rules of queries.py's docstring apply. What these add: two-level `top-nested`; `make-series`
with `series_stats_dynamic` (by department and by user); four `dcountif` at once;
`tostring(dynamic) !in ("", "[]")`; `countif` ratios; `bin` timelines (6 h, 1 h) with `ago`;
phish sender domains in `EmailEvents`; `RawEventData` members of `CloudAppEvents`.
"""

from __future__ import annotations

from queries import AGO_7D, AGO_14D, HAS, _top, _ts, query
from queries_hunting import UNSUPPORTED


# top-nested -----------------------------------------------------------------------------------


def _top_nested_sql(table: str, outer: str, inner: str, n: int, m: int) -> str:
    return f"""
WITH o AS (
    SELECT {outer}, count(*) AS Events FROM {{{table}}} GROUP BY 1 ORDER BY Events DESC, {outer} LIMIT {n}
), i AS (
    SELECT t.{outer}, t.{inner}, count(*) AS InnerEvents
    FROM {{{table}}} t JOIN o ON t.{outer} = o.{outer}
    GROUP BY 1, 2
), r AS (
    SELECT *, row_number() OVER (PARTITION BY {outer} ORDER BY InnerEvents DESC, {inner}) AS rn FROM i
)
SELECT o.{outer}, o.Events, r.{inner}, r.InnerEvents
FROM o JOIN r ON o.{outer} = r.{outer}
WHERE rn <= {m}
"""


def _top_nested_polars(scan, pl, table: str, outer: str, inner: str, n: int, m: int):
    t = scan(table)
    o = t.group_by(outer).agg(pl.len().alias("Events")).sort(["Events", outer], descending=[True, False]).head(n)
    i = (
        t.join(o.select(outer), on=outer, how="semi")
        .group_by(outer, inner)
        .agg(pl.len().alias("InnerEvents"))
        .sort(["InnerEvents", inner], descending=[True, False])
        .group_by(outer)
        .head(m)
    )
    return o.join(i, on=outer, how="inner").select(outer, "Events", inner, "InnerEvents")


@query(
    "dse-top-nested-dept-user",
    "Top talkers: the 3 busiest departments and, in each, its 3 busiest users (top-nested).",
    """
DataSecurityEvents
| top-nested 3 of Department by Events = count(), top-nested 3 of AccountUpn by InnerEvents = count()
""",
    _top_nested_sql("DataSecurityEvents", "Department", "AccountUpn", 3, 3),
    chdb=None,
)
def _(scan, pl):
    return _top_nested_polars(scan, pl, "DataSecurityEvents", "Department", "AccountUpn", 3, 3)


@query(
    "dse-top-nested-workload-action",
    "Activity mix: the 4 busiest workloads and, in each, its 3 most frequent actions (top-nested).",
    """
DataSecurityEvents
| top-nested 4 of Workload by Events = count(), top-nested 3 of ActionType by InnerEvents = count()
""",
    _top_nested_sql("DataSecurityEvents", "Workload", "ActionType", 4, 3),
)
def _(scan, pl):
    return _top_nested_polars(scan, pl, "DataSecurityEvents", "Workload", "ActionType", 4, 3)


# make-series and series_* ---------------------------------------------------------------------
#
# The SQL and Polars versions compute the statistics of the 30 daily bins (June 2025, empty
# days 0) from per-day counts: min is 0 when a key has fewer than 30 active days, and the
# stdev is the sample standard deviation, as series_stats_dynamic's.


def _series_stats_sql(where: str, key: str) -> str:
    return f"""
WITH c AS (
    SELECT {key}, date_trunc('day', "Timestamp") AS Day, count(*) AS n
    FROM {{DataSecurityEvents}}
    WHERE {where}
    GROUP BY 1, 2
), s AS (
    SELECT {key}, count(*) AS days, min(n) AS mn, max(n) AS mx, sum(n) AS total,
           sum(CAST(n AS DOUBLE) * n) AS sq
    FROM c GROUP BY 1
)
SELECT {key}, CASE WHEN days < 30 THEN 0 ELSE mn END AS Min, mx AS Max, total / 30.0 AS Avg,
       sqrt((30 * sq - CAST(total AS DOUBLE) * total) / (30 * 29)) AS Stdev
FROM s
"""


def _series_stats_polars(scan, pl, where, key: str):
    c = (
        scan("DataSecurityEvents")
        .filter(where)
        .group_by(key, pl.col("Timestamp").dt.truncate("1d").alias("Day"))
        .agg(pl.len().cast(pl.Int64).alias("n"))
    )
    s = c.group_by(key).agg(
        pl.len().alias("days"),
        pl.col("n").min().alias("mn"),
        pl.col("n").max().alias("Max"),
        pl.col("n").sum().alias("total"),
        (pl.col("n").cast(pl.Float64) * pl.col("n")).sum().alias("sq"),
    )
    return s.select(
        key,
        pl.when(pl.col("days") < 30).then(0).otherwise(pl.col("mn")).cast(pl.Int64).alias("Min"),
        "Max",
        (pl.col("total") / 30.0).alias("Avg"),
        ((30 * pl.col("sq") - pl.col("total").cast(pl.Float64) * pl.col("total")) / (30 * 29)).sqrt().alias("Stdev"),
    )


@query(
    "dse-make-series-dept-stats",
    "Baselines: daily event series per department over June (make-series), with min, max, mean and stdev (series_stats_dynamic).",
    """
DataSecurityEvents
| make-series Events = count() default = 0 on Timestamp from datetime(2025-06-01) to datetime(2025-07-01) step 1d by Department
| extend s = series_stats_dynamic(Events)
| project Department, Min = tolong(s.min), Max = tolong(s.max), Avg = todouble(s.avg), Stdev = todouble(s.stdev)
""",
    _series_stats_sql("true", "Department"),
)
def _(scan, pl):
    return _series_stats_polars(scan, pl, pl.lit(True), "Department")


@query(
    "dse-make-series-user-spikes",
    "Anomalies: users whose busiest day of endpoint activity exceeds 4 times their daily mean (make-series by user, series_stats_dynamic).",
    """
DataSecurityEvents
| where Workload == "Endpoint"
| make-series Events = count() default = 0 on Timestamp from datetime(2025-06-01) to datetime(2025-07-01) step 1d by AccountUpn
| extend s = series_stats_dynamic(Events)
| where todouble(s.max) > 4 * todouble(s.avg)
| project AccountUpn, Min = tolong(s.min), Max = tolong(s.max), Avg = todouble(s.avg), Stdev = todouble(s.stdev)
""",
    "SELECT * FROM (" + _series_stats_sql("Workload = 'Endpoint'", "AccountUpn") + ") WHERE Max > 4 * Avg",
)
def _(scan, pl):
    return _series_stats_polars(scan, pl, pl.col("Workload") == "Endpoint", "AccountUpn").filter(
        pl.col("Max") > 4 * pl.col("Avg")
    )


# dcountif pairs, tostring(dynamic) !in, countif ratios ----------------------------------------


@query(
    "dse-dcountif-pairs-by-dept",
    "Exfiltration breadth: per department, distinct uploaders and archivers, uploaded and relabelled objects (four dcountif).",
    """
DataSecurityEvents
| summarize Uploaders = dcountif(AccountUpn, ActionType == "FileUploaded"), Archivers = dcountif(AccountUpn, ActionType == "File Archived"),
            UploadedObjects = dcountif(ObjectId, ActionType == "FileUploaded"), RelabelledObjects = dcountif(ObjectId, ActionType startswith "Label")
    by Department
""",
    """
SELECT Department,
       count(DISTINCT AccountUpn) FILTER (WHERE ActionType = 'FileUploaded') AS Uploaders,
       count(DISTINCT AccountUpn) FILTER (WHERE ActionType = 'File Archived') AS Archivers,
       count(DISTINCT ObjectId) FILTER (WHERE ActionType = 'FileUploaded') AS UploadedObjects,
       count(DISTINCT ObjectId) FILTER (WHERE starts_with(lower(ActionType), 'label')) AS RelabelledObjects
FROM {DataSecurityEvents}
GROUP BY Department
""",
)
def _(scan, pl):
    up = pl.col("ActionType") == "FileUploaded"
    return (
        scan("DataSecurityEvents")
        .group_by("Department")
        .agg(
            pl.col("AccountUpn").filter(up).n_unique().alias("Uploaders"),
            pl.col("AccountUpn").filter(pl.col("ActionType") == "File Archived").n_unique().alias("Archivers"),
            pl.col("ObjectId").filter(up).n_unique().alias("UploadedObjects"),
            pl.col("ObjectId")
            .filter(pl.col("ActionType").str.to_lowercase().str.starts_with("label"))
            .n_unique()
            .alias("RelabelledObjects"),
        )
    )


@query(
    "dse-dlp-rule-info-not-empty",
    "DLP: events with rule matches (tostring(dynamic) !in (\"\", \"[]\")), unmanaged-device users and objects per workload and enforcement mode.",
    """
DataSecurityEvents
| where tostring(DlpPolicyRuleMatchInfo) !in ("", "[]")
| summarize Events = count(), UnmanagedUsers = dcountif(AccountUpn, IsManagedDevice == false), Objects = dcount(ObjectId)
    by Workload, DlpPolicyEnforcementMode
""",
    """
SELECT Workload, DlpPolicyEnforcementMode, count(*) AS Events,
       count(DISTINCT AccountUpn) FILTER (WHERE IsManagedDevice = false) AS UnmanagedUsers,
       count(DISTINCT ObjectId) AS Objects
FROM {DataSecurityEvents}
WHERE coalesce(DlpPolicyRuleMatchInfo, '') NOT IN ('', '[]')
GROUP BY 1, 2
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(~pl.col("DlpPolicyRuleMatchInfo").fill_null("").is_in(["", "[]"]))
        .group_by("Workload", "DlpPolicyEnforcementMode")
        .agg(
            pl.len().alias("Events"),
            pl.col("AccountUpn").filter(pl.col("IsManagedDevice") == False).n_unique().alias("UnmanagedUsers"),  # noqa: E712
            pl.col("ObjectId").n_unique().alias("Objects"),
        )
    )


@query(
    "dse-countif-ratios-top-users",
    "DLP pressure: share of each active user's events that were blocked or on unmanaged devices (countif ratios), top 20.",
    """
DataSecurityEvents
| summarize Total = count(), Blocked = countif(DlpPolicyEnforcementMode == 4), Unmanaged = countif(IsManagedDevice == false) by AccountUpn
| where Total >= 100
| extend BlockedPct = 100.0 * Blocked / Total, UnmanagedPct = 100.0 * Unmanaged / Total
| top 20 by BlockedPct desc, AccountUpn asc
""",
    """
SELECT AccountUpn, count(*) AS Total,
       count(*) FILTER (WHERE DlpPolicyEnforcementMode = 4) AS Blocked,
       count(*) FILTER (WHERE IsManagedDevice = false) AS Unmanaged,
       100.0 * count(*) FILTER (WHERE DlpPolicyEnforcementMode = 4) / count(*) AS BlockedPct,
       100.0 * count(*) FILTER (WHERE IsManagedDevice = false) / count(*) AS UnmanagedPct
FROM {DataSecurityEvents}
GROUP BY AccountUpn
HAVING count(*) >= 100
ORDER BY BlockedPct DESC, AccountUpn ASC
LIMIT 20
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("DataSecurityEvents")
        .group_by("AccountUpn")
        .agg(
            pl.len().cast(pl.Int64).alias("Total"),
            (pl.col("DlpPolicyEnforcementMode") == 4).sum().cast(pl.Int64).alias("Blocked"),
            (pl.col("IsManagedDevice") == False).sum().cast(pl.Int64).alias("Unmanaged"),  # noqa: E712
        )
        .filter(pl.col("Total") >= 100)
        .with_columns(
            (100.0 * pl.col("Blocked") / pl.col("Total")).alias("BlockedPct"),
            (100.0 * pl.col("Unmanaged") / pl.col("Total")).alias("UnmanagedPct"),
        )
    )
    return _top(lf, pl, 20, [("BlockedPct", True), ("AccountUpn", False)])


# bin timelines with ago -----------------------------------------------------------------------


@query(
    "dse-bin-6h-ago-14d",
    "Timeline: events and users per workload in 6-hour bins over the last 14 days (bin with ago).",
    """
DataSecurityEvents
| where Timestamp > ago(14d)
| summarize Events = count(), Users = dcount(AccountUpn) by Workload, bin(Timestamp, 6h)
""",
    """
SELECT Workload, time_bucket(INTERVAL 6 HOUR, "Timestamp") AS "Timestamp", count(*) AS Events,
       count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-17 00:00:00+00'
GROUP BY 1, 2
""",
    datafusion_sql="""
SELECT Workload, date_bin(INTERVAL '6 hours', "Timestamp", TIMESTAMP '1970-01-01T00:00:00Z') AS "Timestamp",
       count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE "Timestamp" > TIMESTAMP '2025-06-17T00:00:00Z'
GROUP BY 1, 2
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Timestamp") > _ts(AGO_14D, pl))
        .group_by("Workload", pl.col("Timestamp").dt.truncate("6h"))
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dle-failed-logons-hourly",
    "Brute force: failed logons per device and hour over the last 7 days (bin with ago).",
    """
DeviceLogonEvents
| where Timestamp > ago(7d) and ActionType == "LogonFailed"
| summarize Failures = count(), Accounts = dcount(AccountName) by DeviceName, bin(Timestamp, 1h)
""",
    """
SELECT DeviceName, date_trunc('hour', "Timestamp") AS "Timestamp", count(*) AS Failures,
       count(DISTINCT AccountName) AS Accounts
FROM {DeviceLogonEvents}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-24 00:00:00+00' AND ActionType = 'LogonFailed'
GROUP BY 1, 2
""",
)
def _(scan, pl):
    return (
        scan("DeviceLogonEvents")
        .filter((pl.col("Timestamp") > _ts(AGO_7D, pl)) & (pl.col("ActionType") == "LogonFailed"))
        .group_by("DeviceName", pl.col("Timestamp").dt.truncate("1h"))
        .agg(pl.len().alias("Failures"), pl.col("AccountName").n_unique().alias("Accounts"))
    )


@query(
    "email-phish-sender-domains",
    "Phishing: inbound phish per sender domain, recipients and deliveries (has, countif), top 20.",
    """
EmailEvents
| where ThreatTypes has "Phish" and EmailDirection == "Inbound"
| summarize Emails = count(), Recipients = dcount(RecipientEmailAddress), Delivered = countif(DeliveryAction == "Delivered") by SenderFromDomain
| top 20 by Emails desc, SenderFromDomain asc
""",
    f"""
SELECT SenderFromDomain, count(*) AS Emails, count(DISTINCT RecipientEmailAddress) AS Recipients,
       count(*) FILTER (WHERE DeliveryAction = 'Delivered') AS Delivered
FROM {{EmailEvents}}
WHERE regexp_matches(ThreatTypes, '{HAS("Phish")}') AND EmailDirection = 'Inbound'
GROUP BY 1
ORDER BY Emails DESC, SenderFromDomain ASC
LIMIT 20
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("EmailEvents")
        .filter(pl.col("ThreatTypes").str.contains(HAS("Phish")) & (pl.col("EmailDirection") == "Inbound"))
        .group_by("SenderFromDomain")
        .agg(
            pl.len().alias("Emails"),
            pl.col("RecipientEmailAddress").n_unique().alias("Recipients"),
            (pl.col("DeliveryAction") == "Delivered").sum().cast(pl.Int64).alias("Delivered"),
        )
    )
    return _top(lf, pl, 20, [("Emails", True), ("SenderFromDomain", False)])


@query(
    "cloudapp-raw-event-operations",
    "Cloud apps: operations and workloads from the RawEventData JSON, with users per pair.",
    """
CloudAppEvents
| extend Operation = tostring(RawEventData.Operation), Workload = tostring(RawEventData.Workload)
| summarize Events = count(), Users = dcount(AccountObjectId) by Operation, Workload
""",
    """
SELECT coalesce(json_extract_string(RawEventData, '$.Operation'), '') AS Operation,
       coalesce(json_extract_string(RawEventData, '$.Workload'), '') AS Workload,
       count(*) AS Events, count(DISTINCT AccountObjectId) AS Users
FROM {CloudAppEvents}
GROUP BY 1, 2
""",
    datafusion_sql=UNSUPPORTED,
)
def _(scan, pl):
    raw = pl.col("RawEventData")
    return (
        scan("CloudAppEvents")
        .group_by(
            raw.str.json_path_match("$.Operation").fill_null("").alias("Operation"),
            raw.str.json_path_match("$.Workload").fill_null("").alias("Workload"),
        )
        .agg(pl.len().alias("Events"), pl.col("AccountObjectId").n_unique().alias("Users"))
    )
