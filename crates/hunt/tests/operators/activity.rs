//! The activity plugins (`evaluate activity_counts_metrics(…)`), table-driven: each row is
//! a query and Kusto's answer from the plugin's Microsoft Learn page, or a form the page
//! leaves open, which hunt must refuse.

use super::common::{check, fails};

/// The page's input: user ids by day.
const USERS: &str = "let start=datetime(2017-08-01);
let end=datetime(2017-08-04);
let window=1d;
let T = datatable(UserId:string, Timestamp:datetime)
[
'A', datetime(2017-08-01), 'D', datetime(2017-08-01), 'J', datetime(2017-08-01),
'B', datetime(2017-08-01), 'C', datetime(2017-08-02), 'T', datetime(2017-08-02),
'J', datetime(2017-08-02), 'H', datetime(2017-08-03), 'T', datetime(2017-08-03),
'T', datetime(2017-08-03), 'J', datetime(2017-08-03), 'B', datetime(2017-08-03),
'S', datetime(2017-08-03), 'S', datetime(2017-08-04),
];
";

/// docs: https://learn.microsoft.com/en-us/kusto/query/activity-counts-metrics-plugin
const ACTIVITY_COUNTS_METRICS: &[(&str, &str)] = &[
    // The page's example: daily activity counts.
    (
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window)",
        "Timestamp:datetime|count:long|dcount:long|new_dcount:long|aggregated_dcount:long
         2017-08-01T00:00:00.0000000Z|4|4|4|4
         2017-08-02T00:00:00.0000000Z|3|3|2|6
         2017-08-03T00:00:00.0000000Z|6|5|2|8
         2017-08-04T00:00:00.0000000Z|1|1|0|8",
    ),
    // The output's first column is the timeline column, named as the input's
    // (Kusto.Language's PlugIns.cs); two-day windows from 2017-07-31 (a start of
    // `bin(…, 2d)`) by the page's definitions of the counts.
    (
        "T | project u = UserId, day = Timestamp
         | evaluate activity_counts_metrics(u, day, datetime(2017-07-31), end, 2d)",
        "day:datetime|count:long|dcount:long|new_dcount:long|aggregated_dcount:long
         2017-07-31T00:00:00.0000000Z|4|4|4|4
         2017-08-02T00:00:00.0000000Z|9|6|4|8
         2017-08-04T00:00:00.0000000Z|1|1|0|8",
    ),
];

#[test]
fn activity_counts_metrics_follows_its_page() {
    for (q, want) in ACTIVITY_COUNTS_METRICS {
        check(&format!("{USERS}{q}"), want);
    }
    // What the page leaves open is refused: a window without records, a record outside
    // Start..End, a Start inside a window, dimensions, a step that is not a timespan.
    for q in [
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start, datetime(2017-08-05), window)",
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start, datetime(2017-08-03), window)",
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start + 1h, end, window)",
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window, UserId)",
        "T | evaluate activity_counts_metrics(UserId, Timestamp, start, end, 'week')",
    ] {
        fails(&format!("{USERS}{q}"));
    }
}
