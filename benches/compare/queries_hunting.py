"""More hunting patterns for the comparison suite (issue 12): the shapes real hunts have and
the first 43 queries lacked. Registered into queries.QUERIES by importing this module.

Each is written as KQL, DuckDB SQL and a Polars lazy query like those of queries.py, under
the same rules (its docstring): deterministic results, `has` as a whole-term regex, strings
never null in hunt. What these add:

- `arg_max(Timestamp, *)` deduplication (latest record per id), then a second aggregation;
- `mv-expand` over JSON held in string or dynamic columns, with `parse_json(tostring(..))`;
- whole-row outputs of a selective `where` (all 75 columns of DataSecurityEvents; run.py
  compares a dynamic column as parsed JSON, since hunt prints it as JSON and the peers as text);
- `make_set`/`make_list` by high-cardinality keys (sorted with `array_sort_asc`, since their
  element order is unspecified);
- alerts joined with events by account and within a time window;
- `in`/`!in` with `let`-bound dynamic lists; `parse` and `extract` over command lines and URLs;
- and, in queries_aggregates.py: `top-nested`; `make-series` with `series_stats_dynamic`;
  `dcountif` pairs; `tostring(dynamic) !in ("", "[]")`; `countif` ratios; `bin` timelines
  with `ago`; phish domains and `RawEventData` members.

DataFusion's Python package has no JSON functions: its JSON queries are marked unsupported
(`datafusion_sql=UNSUPPORTED`). Where DataFusion spells something differently from DuckDB, the
query carries its own `datafusion_sql`.
"""

from __future__ import annotations

import datetime as dt

from queries import AGO_14D, HAS, UTC, _top, _ts, query

UNSUPPORTED = "UNSUPPORTED: the datafusion Python package has no JSON functions"


# Deduplication: arg_max(Timestamp, *) -----------------------------------------------------------


@query(
    "dsb-latest-behavior-argmax",
    "Deduplication: the latest version of each IRM behavior (arg_max(Timestamp, *) by BehaviorId), then behaviors, users and activities per type.",
    """
DataSecurityBehaviors
| summarize arg_max(Timestamp, *) by BehaviorId
| summarize Behaviors = count(), Users = dcount(AccountUpn), Activities = sum(ActivityCount) by ActionType
""",
    """
SELECT ActionType, count(*) AS Behaviors, count(DISTINCT AccountUpn) AS Users, sum(ActivityCount) AS Activities
FROM (
    SELECT DISTINCT ON (BehaviorId) BehaviorId, ActionType, AccountUpn, ActivityCount
    FROM {DataSecurityBehaviors}
    ORDER BY BehaviorId, "Timestamp" DESC
)
GROUP BY ActionType
""",
    datafusion_sql="""
SELECT ActionType, count(*) AS Behaviors, count(DISTINCT AccountUpn) AS Users, sum(CAST(ActivityCount AS BIGINT)) AS Activities
FROM (
    SELECT BehaviorId, ActionType, AccountUpn, ActivityCount,
           row_number() OVER (PARTITION BY BehaviorId ORDER BY "Timestamp" DESC) AS rn
    FROM {DataSecurityBehaviors}
) WHERE rn = 1
GROUP BY ActionType
""",
)
def _(scan, pl):
    cols = ["ActionType", "AccountUpn", "ActivityCount"]
    latest = scan("DataSecurityBehaviors").group_by("BehaviorId").agg(
        [pl.col(c).sort_by("Timestamp").last() for c in cols]
    )
    return latest.group_by("ActionType").agg(
        pl.len().alias("Behaviors"),
        pl.col("AccountUpn").n_unique().alias("Users"),
        pl.col("ActivityCount").cast(pl.Int64).sum().alias("Activities"),
    )


@query(
    "dse-latest-device-argmax",
    "Deduplication: the last event seen from each device (arg_max(Timestamp, *) by DeviceId), then managed and unmanaged devices per department.",
    """
DataSecurityEvents
| where isnotempty(DeviceId)
| summarize arg_max(Timestamp, *) by DeviceId
| summarize Devices = count(), Managed = countif(IsManagedDevice), Users = dcount(AccountUpn) by Department
""",
    """
SELECT Department, count(*) AS Devices, count(*) FILTER (WHERE IsManagedDevice) AS Managed,
       count(DISTINCT AccountUpn) AS Users
FROM (
    SELECT DISTINCT ON (DeviceId) DeviceId, Department, IsManagedDevice, AccountUpn
    FROM {DataSecurityEvents}
    WHERE DeviceId <> ''
    ORDER BY DeviceId, "Timestamp" DESC
)
GROUP BY Department
""",
    datafusion_sql="""
SELECT Department, count(*) AS Devices, count(*) FILTER (WHERE IsManagedDevice) AS Managed,
       count(DISTINCT AccountUpn) AS Users
FROM (
    SELECT Department, IsManagedDevice, AccountUpn,
           row_number() OVER (PARTITION BY DeviceId ORDER BY "Timestamp" DESC) AS rn
    FROM {DataSecurityEvents}
    WHERE DeviceId <> ''
) WHERE rn = 1
GROUP BY Department
""",
)
def _(scan, pl):
    cols = ["Department", "IsManagedDevice", "AccountUpn"]
    latest = (
        scan("DataSecurityEvents")
        .filter(pl.col("DeviceId") != "")
        .group_by("DeviceId")
        .agg([pl.col(c).sort_by("Timestamp").last() for c in cols])
    )
    return latest.group_by("Department").agg(
        pl.len().alias("Devices"),
        pl.col("IsManagedDevice").fill_null(False).sum().cast(pl.Int64).alias("Managed"),
        pl.col("AccountUpn").n_unique().alias("Users"),
    )


@query(
    "identity-latest-joined-with-activity",
    "Enrichment: each account's latest identity record (arg_max by AccountUpn), joined with its Purview activity, summed per job title.",
    """
IdentityInfo
| summarize arg_max(Timestamp, JobTitle, CriticalityLevel) by AccountUpn
| join kind=inner (DataSecurityEvents | summarize Events = count() by AccountUpn) on AccountUpn
| summarize Users = count(), Events = sum(Events), Critical = countif(CriticalityLevel >= 3) by JobTitle
""",
    """
WITH id AS (
    SELECT DISTINCT ON (AccountUpn) AccountUpn, JobTitle, CriticalityLevel
    FROM {IdentityInfo}
    ORDER BY AccountUpn, "Timestamp" DESC
), ev AS (
    SELECT AccountUpn, count(*) AS Events FROM {DataSecurityEvents} GROUP BY AccountUpn
)
SELECT JobTitle, count(*) AS Users, sum(Events) AS Events, count(*) FILTER (WHERE CriticalityLevel >= 3) AS Critical
FROM id JOIN ev ON id.AccountUpn = ev.AccountUpn
GROUP BY JobTitle
""",
    datafusion_sql="""
WITH id AS (
    SELECT AccountUpn, JobTitle, CriticalityLevel,
           row_number() OVER (PARTITION BY AccountUpn ORDER BY "Timestamp" DESC) AS rn
    FROM {IdentityInfo}
), ev AS (
    SELECT AccountUpn, count(*) AS Events FROM {DataSecurityEvents} GROUP BY AccountUpn
)
SELECT JobTitle, count(*) AS Users, sum(Events) AS Events, count(*) FILTER (WHERE CriticalityLevel >= 3) AS Critical
FROM id JOIN ev ON id.AccountUpn = ev.AccountUpn
WHERE rn = 1
GROUP BY JobTitle
""",
)
def _(scan, pl):
    ident = scan("IdentityInfo").group_by("AccountUpn").agg(
        [pl.col(c).sort_by("Timestamp").last() for c in ("JobTitle", "CriticalityLevel")]
    )
    ev = scan("DataSecurityEvents").group_by("AccountUpn").agg(pl.len().alias("Events"))
    return (
        ident.join(ev, on="AccountUpn", how="inner")
        .group_by("JobTitle")
        .agg(
            pl.len().alias("Users"),
            pl.col("Events").cast(pl.Int64).sum().alias("Events"),
            (pl.col("CriticalityLevel") >= 3).sum().cast(pl.Int64).alias("Critical"),
        )
    )


# mv-expand over JSON --------------------------------------------------------------------------


@query(
    "dse-sit-mv-expand-parse-json",
    "Sensitive content: sensitive info types detected (mv-expand of a JSON array of JSON-encoded strings, parse_json(tostring(..)) twice), events and matches per type.",
    """
DataSecurityEvents
| where SensitiveInfoTypeInfo != "[]" and isnotempty(SensitiveInfoTypeInfo)
| mv-expand Sit = parse_json(tostring(SensitiveInfoTypeInfo))
| extend Sit = parse_json(tostring(Sit))
| summarize Events = count(), Matches = sum(tolong(Sit.Count)), Users = dcount(AccountUpn)
    by SitId = tostring(Sit.SensitiveInfoTypeId), Confidence = tolong(Sit.Confidence)
""",
    """
SELECT json_extract_string(s, '$.SensitiveInfoTypeId') AS SitId,
       CAST(json_extract(s, '$.Confidence') AS BIGINT) AS Confidence,
       count(*) AS Events, sum(CAST(json_extract(s, '$.Count') AS BIGINT)) AS Matches,
       count(DISTINCT AccountUpn) AS Users
FROM (
    SELECT AccountUpn, unnest(json_extract_string(SensitiveInfoTypeInfo, '$[*]')) AS s
    FROM {DataSecurityEvents}
    WHERE SensitiveInfoTypeInfo <> '[]' AND coalesce(SensitiveInfoTypeInfo, '') <> ''
)
GROUP BY 1, 2
""",
    datafusion_sql=UNSUPPORTED,
)
def _(scan, pl):
    sit = pl.Struct({"SensitiveInfoTypeId": pl.String, "Confidence": pl.Int64, "Count": pl.Int64})
    return (
        scan("DataSecurityEvents")
        .filter((pl.col("SensitiveInfoTypeInfo") != "[]") & (pl.col("SensitiveInfoTypeInfo").fill_null("") != ""))
        .select("AccountUpn", pl.col("SensitiveInfoTypeInfo").str.json_decode(pl.List(pl.String)).alias("s"))
        .explode("s")
        .with_columns(pl.col("s").str.json_decode(sit).alias("s"))
        .group_by(
            pl.col("s").struct.field("SensitiveInfoTypeId").alias("SitId"),
            pl.col("s").struct.field("Confidence").alias("Confidence"),
        )
        .agg(
            pl.len().alias("Events"),
            pl.col("s").struct.field("Count").sum().alias("Matches"),
            pl.col("AccountUpn").n_unique().alias("Users"),
        )
    )


@query(
    "dsb-device-info-mv-expand",
    "Behaviors per device: mv-expand of the DeviceInfo JSON array, event counts summed per device name.",
    """
DataSecurityBehaviors
| mv-expand Dev = DeviceInfo
| where isnotempty(Dev)
| summarize Events = sum(tolong(Dev.EventCount)), Behaviors = count(), Users = dcount(AccountUpn) by DeviceName = tostring(Dev.DeviceName)
| top 25 by Events desc, DeviceName asc
""",
    """
SELECT json_extract_string(d, '$.DeviceName') AS DeviceName,
       sum(CAST(json_extract(d, '$.EventCount') AS BIGINT)) AS Events, count(*) AS Behaviors,
       count(DISTINCT AccountUpn) AS Users
FROM (SELECT AccountUpn, unnest(json_extract(DeviceInfo, '$[*]')) AS d FROM {DataSecurityBehaviors})
GROUP BY 1
ORDER BY Events DESC, DeviceName ASC
LIMIT 25
""",
    ordered=True,
    datafusion_sql=UNSUPPORTED,
)
def _(scan, pl):
    dev = pl.Struct({"DeviceName": pl.String, "EventCount": pl.Int64})
    lf = (
        scan("DataSecurityBehaviors")
        .select("AccountUpn", pl.col("DeviceInfo").str.json_decode(pl.List(dev)).alias("d"))
        .explode("d")
        .filter(pl.col("d").is_not_null())
        .group_by(pl.col("d").struct.field("DeviceName").alias("DeviceName"))
        .agg(
            pl.col("d").struct.field("EventCount").sum().alias("Events"),
            pl.len().alias("Behaviors"),
            pl.col("AccountUpn").n_unique().alias("Users"),
        )
    )
    return _top(lf, pl, 25, [("Events", True), ("DeviceName", False)])


@query(
    "dse-dlp-rules-mv-expand",
    "DLP: the rules matched (mv-expand of the DlpPolicyRuleMatchInfo array), events and users per rule and severity.",
    """
DataSecurityEvents
| where isnotnull(DlpPolicyRuleMatchInfo)
| mv-expand Rule = DlpPolicyRuleMatchInfo
| summarize Events = count(), Users = dcount(AccountUpn) by RuleName = tostring(Rule.RuleName), Severity = tostring(Rule.Severity)
""",
    """
SELECT json_extract_string(r, '$.RuleName') AS RuleName, json_extract_string(r, '$.Severity') AS Severity,
       count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM (
    SELECT AccountUpn, unnest(json_extract(DlpPolicyRuleMatchInfo, '$[*]')) AS r
    FROM {DataSecurityEvents} WHERE DlpPolicyRuleMatchInfo IS NOT NULL
)
GROUP BY 1, 2
""",
    datafusion_sql=UNSUPPORTED,
)
def _(scan, pl):
    rule = pl.Struct({"RuleName": pl.String, "Severity": pl.String})
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("DlpPolicyRuleMatchInfo").is_not_null())
        .select("AccountUpn", pl.col("DlpPolicyRuleMatchInfo").str.json_decode(pl.List(rule)).alias("r"))
        .explode("r")
        .group_by(
            pl.col("r").struct.field("RuleName").alias("RuleName"),
            pl.col("r").struct.field("Severity").alias("Severity"),
        )
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


# Whole rows -----------------------------------------------------------------------------------


@query(
    "dse-whole-rows-user-uploads",
    "Investigation: every column of one user's uploads (a selective where, all 75 columns out).",
    """
DataSecurityEvents
| where AccountUpn == "megan.bowen@contoso.com" and ActionType == "FileUploaded"
""",
    """
SELECT * FROM {DataSecurityEvents}
WHERE AccountUpn = 'megan.bowen@contoso.com' AND ActionType = 'FileUploaded'
""",
)
def _(scan, pl):
    return scan("DataSecurityEvents").filter(
        (pl.col("AccountUpn") == "megan.bowen@contoso.com") & (pl.col("ActionType") == "FileUploaded")
    )


@query(
    "dse-whole-rows-usb-one-day",
    "Investigation: every column of one day's copies to removable media.",
    """
DataSecurityEvents
| where Timestamp between (datetime(2025-06-10) .. 1d) and ActionType == "File copied to Removable media"
""",
    """
SELECT * FROM {DataSecurityEvents}
WHERE "Timestamp" BETWEEN TIMESTAMPTZ '2025-06-10 00:00:00+00' AND TIMESTAMPTZ '2025-06-11 00:00:00+00'
  AND ActionType = 'File copied to Removable media'
""",
)
def _(scan, pl):
    lo = dt.datetime(2025, 6, 10, tzinfo=UTC)
    return scan("DataSecurityEvents").filter(
        pl.col("Timestamp").is_between(_ts(lo, pl), _ts(lo + dt.timedelta(days=1), pl))
        & (pl.col("ActionType") == "File copied to Removable media")
    )


# make_set / make_list by high-cardinality keys ------------------------------------------------


@query(
    "dse-make-set-users-by-object",
    "Oversharing: objects touched by more than 3 users, with the sorted set of those users (make_set by ObjectId).",
    """
DataSecurityEvents
| summarize Users = make_set(AccountUpn), Events = count() by ObjectId
| where array_length(Users) > 3
| extend Users = array_sort_asc(Users)
""",
    """
SELECT ObjectId, list_sort(list(DISTINCT AccountUpn)) AS Users, count(*) AS Events
FROM {DataSecurityEvents}
GROUP BY ObjectId
HAVING count(DISTINCT AccountUpn) > 3
""",
    datafusion_sql="""
SELECT ObjectId, array_sort(array_agg(DISTINCT AccountUpn)) AS Users, count(*) AS Events
FROM {DataSecurityEvents}
GROUP BY ObjectId
HAVING count(DISTINCT AccountUpn) > 3
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .group_by("ObjectId")
        .agg(pl.col("AccountUpn").unique().sort().alias("Users"), pl.len().alias("Events"))
        .filter(pl.col("Users").list.len() > 3)
    )


@query(
    "dse-make-set-if-by-user-device",
    "Endpoint profile: per user and device, the sorted set of actions and of uploaded file extensions (make_set, make_set_if).",
    """
DataSecurityEvents
| where Workload == "Endpoint"
| summarize Events = count(), Actions = make_set(ActionType), Uploaded = make_set_if(FileExtension, ActionType == "FileUploaded")
    by AccountUpn, DeviceId
| extend Actions = array_sort_asc(Actions), Uploaded = array_sort_asc(Uploaded)
""",
    """
SELECT AccountUpn, DeviceId, count(*) AS Events, list_sort(list(DISTINCT ActionType)) AS Actions,
       coalesce(list_sort(list(DISTINCT FileExtension) FILTER (WHERE ActionType = 'FileUploaded')), []) AS Uploaded
FROM {DataSecurityEvents}
WHERE Workload = 'Endpoint'
GROUP BY AccountUpn, DeviceId
""",
    datafusion_sql="""
SELECT AccountUpn, DeviceId, count(*) AS Events, array_sort(array_agg(DISTINCT ActionType)) AS Actions,
       coalesce(array_sort(array_agg(DISTINCT FileExtension) FILTER (WHERE ActionType = 'FileUploaded')), make_array()) AS Uploaded
FROM {DataSecurityEvents}
WHERE Workload = 'Endpoint'
GROUP BY AccountUpn, DeviceId
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Workload") == "Endpoint")
        .group_by("AccountUpn", "DeviceId")
        .agg(
            pl.len().alias("Events"),
            pl.col("ActionType").unique().sort().alias("Actions"),
            pl.col("FileExtension").filter(pl.col("ActionType") == "FileUploaded").unique().sort().alias("Uploaded"),
        )
    )


# Alerts joined with events by account, within a time window -----------------------------------


@query(
    "alerts-users-uploads-within-1h",
    "Alert triage: uploads by each alert's users in the hour before the alert (join by account, then a time-window where).",
    """
AlertInfo
| join kind=inner (AlertEvidence | where EntityType == "User" and isnotempty(AccountUpn) | project AlertId, AccountUpn) on AlertId
| project AlertId, AlertTime = Timestamp, AccountUpn
| join kind=inner (
    DataSecurityEvents
    | where ActionType in ("FileUploaded", "File upload to cloud")
    | project AccountUpn, EventTime = Timestamp, ObjectId
) on AccountUpn
| where EventTime between ((AlertTime - 1h) .. AlertTime)
| summarize Uploads = count(), Objects = dcount(ObjectId) by AlertId, AccountUpn
""",
    """
WITH users AS (
    SELECT i.AlertId, i."Timestamp" AS AlertTime, e.AccountUpn
    FROM {AlertInfo} i JOIN {AlertEvidence} e ON i.AlertId = e.AlertId
    WHERE e.EntityType = 'User' AND coalesce(e.AccountUpn, '') <> ''
)
SELECT u.AlertId, u.AccountUpn, count(*) AS Uploads, count(DISTINCT d.ObjectId) AS Objects
FROM users u JOIN {DataSecurityEvents} d ON u.AccountUpn = d.AccountUpn
WHERE d.ActionType IN ('FileUploaded', 'File upload to cloud')
  AND d."Timestamp" BETWEEN u.AlertTime - INTERVAL 1 HOUR AND u.AlertTime
GROUP BY u.AlertId, u.AccountUpn
""",
    datafusion_sql="""
WITH users AS (
    SELECT i.AlertId, i."Timestamp" AS AlertTime, e.AccountUpn
    FROM {AlertInfo} i JOIN {AlertEvidence} e ON i.AlertId = e.AlertId
    WHERE e.EntityType = 'User' AND coalesce(e.AccountUpn, '') <> ''
)
SELECT u.AlertId, u.AccountUpn, count(*) AS Uploads, count(DISTINCT d.ObjectId) AS Objects
FROM users u JOIN {DataSecurityEvents} d ON u.AccountUpn = d.AccountUpn
WHERE d.ActionType IN ('FileUploaded', 'File upload to cloud')
  AND d."Timestamp" BETWEEN u.AlertTime - INTERVAL '1 hour' AND u.AlertTime
GROUP BY u.AlertId, u.AccountUpn
""",
)
def _(scan, pl):
    users = (
        scan("AlertInfo")
        .select("AlertId", pl.col("Timestamp").alias("AlertTime"))
        .join(
            scan("AlertEvidence")
            .filter((pl.col("EntityType") == "User") & (pl.col("AccountUpn").fill_null("") != ""))
            .select("AlertId", "AccountUpn"),
            on="AlertId",
            how="inner",
        )
    )
    ev = (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType").is_in(["FileUploaded", "File upload to cloud"]))
        .select("AccountUpn", pl.col("Timestamp").alias("EventTime"), "ObjectId")
    )
    return (
        users.join(ev, on="AccountUpn", how="inner")
        .filter(pl.col("EventTime").is_between(pl.col("AlertTime") - pl.duration(hours=1), pl.col("AlertTime")))
        .group_by("AlertId", "AccountUpn")
        .agg(pl.len().alias("Uploads"), pl.col("ObjectId").n_unique().alias("Objects"))
    )


# in (dynamic) lists bound by let --------------------------------------------------------------

AI_WORKLOADS = ("Copilot", "ConnectedAIApp")
RISKY_ACTIONS = ("FileUploaded", "File upload to cloud", "File copied to Removable media", "File Archived")
EXCLUDED_DEPTS = ("IT", "Executive")


@query(
    "dse-let-ai-workloads-in",
    "AI usage: daily events and users of the AI workloads, listed in a let-bound dynamic array.",
    """
let AIWorkloads = dynamic(["Copilot", "ConnectedAIApp"]);
DataSecurityEvents
| where Workload in (AIWorkloads)
| summarize Events = count(), Users = dcount(AccountUpn) by Workload, Day = bin(Timestamp, 1d)
""",
    """
SELECT Workload, date_trunc('day', "Timestamp") AS Day, count(*) AS Events, count(DISTINCT AccountUpn) AS Users
FROM {DataSecurityEvents}
WHERE Workload IN ('Copilot', 'ConnectedAIApp')
GROUP BY 1, 2
""",
)
def _(scan, pl):
    return (
        scan("DataSecurityEvents")
        .filter(pl.col("Workload").is_in(list(AI_WORKLOADS)))
        .group_by("Workload", pl.col("Timestamp").dt.truncate("1d").alias("Day"))
        .agg(pl.len().alias("Events"), pl.col("AccountUpn").n_unique().alias("Users"))
    )


@query(
    "dse-let-risky-actions-excluded-depts",
    "Exfiltration: risky file actions (a let-bound list with in) by users outside excluded departments (another with !in).",
    f"""
let RiskyActions = dynamic({list(RISKY_ACTIONS)!r});
let Excluded = dynamic({list(EXCLUDED_DEPTS)!r});
DataSecurityEvents
| where ActionType in (RiskyActions) and Department !in (Excluded)
| summarize Events = count(), Objects = dcount(ObjectId) by AccountUpn, ActionType
| top 30 by Events desc, AccountUpn asc, ActionType asc
""".replace("'", '"'),
    f"""
SELECT AccountUpn, ActionType, count(*) AS Events, count(DISTINCT ObjectId) AS Objects
FROM {{DataSecurityEvents}}
WHERE ActionType IN {RISKY_ACTIONS} AND Department NOT IN {EXCLUDED_DEPTS}
GROUP BY AccountUpn, ActionType
ORDER BY Events DESC, AccountUpn ASC, ActionType ASC
LIMIT 30
""",
    ordered=True,
)
def _(scan, pl):
    lf = (
        scan("DataSecurityEvents")
        .filter(pl.col("ActionType").is_in(list(RISKY_ACTIONS)) & ~pl.col("Department").is_in(list(EXCLUDED_DEPTS)))
        .group_by("AccountUpn", "ActionType")
        .agg(pl.len().alias("Events"), pl.col("ObjectId").n_unique().alias("Objects"))
    )
    return _top(lf, pl, 30, [("Events", True), ("AccountUpn", False), ("ActionType", False)])


# parse / extract over command lines and URLs --------------------------------------------------


@query(
    "dpe-extract-powershell-script",
    "Execution: PowerShell scripts and commands run per device (extract over the command line).",
    """
DeviceProcessEvents
| where ProcessCommandLine has "powershell"
| extend Script = extract(@"-File\\s+(\\S+)", 1, ProcessCommandLine), Command = extract(@"-Command\\s+(\\S+)", 1, ProcessCommandLine)
| summarize Runs = count(), Devices = dcount(DeviceId) by Script, Command
""",
    f"""
SELECT regexp_extract(ProcessCommandLine, '-File\\s+(\\S+)', 1) AS Script,
       regexp_extract(ProcessCommandLine, '-Command\\s+(\\S+)', 1) AS Command,
       count(*) AS Runs, count(DISTINCT DeviceId) AS Devices
FROM {{DeviceProcessEvents}}
WHERE regexp_matches(ProcessCommandLine, '{HAS("powershell")}')
GROUP BY 1, 2
""",
    datafusion_sql=f"""
SELECT coalesce((regexp_match(ProcessCommandLine, '-File\\s+(\\S+)'))[1], '') AS Script,
       coalesce((regexp_match(ProcessCommandLine, '-Command\\s+(\\S+)'))[1], '') AS Command,
       count(*) AS Runs, count(DISTINCT DeviceId) AS Devices
FROM {{DeviceProcessEvents}}
WHERE regexp_like(ProcessCommandLine, '{HAS("powershell")}')
GROUP BY 1, 2
""",
)
def _(scan, pl):
    cmd = pl.col("ProcessCommandLine")
    return (
        scan("DeviceProcessEvents")
        .filter(cmd.str.contains(HAS("powershell")))
        .group_by(
            cmd.str.extract(r"-File\s+(\S+)", 1).fill_null("").alias("Script"),
            cmd.str.extract(r"-Command\s+(\S+)", 1).fill_null("").alias("Command"),
        )
        .agg(pl.len().alias("Runs"), pl.col("DeviceId").n_unique().alias("Devices"))
    )


@query(
    "dpe-parse-cmd-commands",
    "Execution: what cmd.exe /c ran (parse of the command line), per command, over the last 14 days.",
    """
DeviceProcessEvents
| where Timestamp > ago(14d) and ProcessCommandLine has "cmd"
| parse ProcessCommandLine with * "/c " Command
| where isnotempty(Command)
| summarize Runs = count(), Devices = dcount(DeviceId), Accounts = dcount(AccountName) by Command
""",
    f"""
SELECT regexp_extract(ProcessCommandLine, '^.*?/c (.*)$', 1) AS Command,
       count(*) AS Runs, count(DISTINCT DeviceId) AS Devices, count(DISTINCT AccountName) AS Accounts
FROM {{DeviceProcessEvents}}
WHERE "Timestamp" > TIMESTAMPTZ '2025-06-17 00:00:00+00' AND regexp_matches(ProcessCommandLine, '{HAS("cmd")}')
GROUP BY 1
HAVING Command <> ''
""",
    datafusion_sql=f"""
SELECT (regexp_match(ProcessCommandLine, '^.*?/c (.*)$'))[1] AS Command,
       count(*) AS Runs, count(DISTINCT DeviceId) AS Devices, count(DISTINCT AccountName) AS Accounts
FROM {{DeviceProcessEvents}}
WHERE "Timestamp" > TIMESTAMP '2025-06-17T00:00:00Z' AND regexp_like(ProcessCommandLine, '{HAS("cmd")}')
GROUP BY 1
HAVING coalesce((regexp_match(ProcessCommandLine, '^.*?/c (.*)$'))[1], '') <> ''
""",
)
def _(scan, pl):
    cmd = pl.col("ProcessCommandLine")
    return (
        scan("DeviceProcessEvents")
        .filter((pl.col("Timestamp") > _ts(AGO_14D, pl)) & cmd.str.contains(HAS("cmd")))
        .with_columns(cmd.str.extract(r"^.*?/c (.*)$", 1).fill_null("").alias("Command"))
        .filter(pl.col("Command") != "")
        .group_by("Command")
        .agg(
            pl.len().alias("Runs"),
            pl.col("DeviceId").n_unique().alias("Devices"),
            pl.col("AccountName").n_unique().alias("Accounts"),
        )
    )


@query(
    "dfe-extract-url-host-site",
    "Downloads: files per origin host and SharePoint site (extract over FileOriginUrl).",
    """
DeviceFileEvents
| where isnotempty(FileOriginUrl)
| extend Host = extract(@"^https?://([^/]+)", 1, FileOriginUrl), Site = extract(@"/sites/([^/]+)/", 1, FileOriginUrl)
| summarize Files = dcount(SHA1), Events = count() by Host, Site
""",
    """
SELECT regexp_extract(FileOriginUrl, '^https?://([^/]+)', 1) AS Host,
       regexp_extract(FileOriginUrl, '/sites/([^/]+)/', 1) AS Site,
       count(DISTINCT SHA1) AS Files, count(*) AS Events
FROM {DeviceFileEvents}
WHERE coalesce(FileOriginUrl, '') <> ''
GROUP BY 1, 2
""",
    datafusion_sql="""
SELECT coalesce((regexp_match(FileOriginUrl, '^https?://([^/]+)'))[1], '') AS Host,
       coalesce((regexp_match(FileOriginUrl, '/sites/([^/]+)/'))[1], '') AS Site,
       count(DISTINCT SHA1) AS Files, count(*) AS Events
FROM {DeviceFileEvents}
WHERE coalesce(FileOriginUrl, '') <> ''
GROUP BY 1, 2
""",
)
def _(scan, pl):
    url = pl.col("FileOriginUrl")
    return (
        scan("DeviceFileEvents")
        .filter(url.fill_null("") != "")
        .group_by(
            url.str.extract(r"^https?://([^/]+)", 1).fill_null("").alias("Host"),
            url.str.extract(r"/sites/([^/]+)/", 1).fill_null("").alias("Site"),
        )
        .agg(pl.col("SHA1").n_unique().alias("Files"), pl.len().alias("Events"))
    )
