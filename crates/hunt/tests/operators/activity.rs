//! The activity plugins (`evaluate activity_counts_metrics(…)`, `active_users_count(…)`,
//! `sliding_window_counts(…)`), table-driven: each row is
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

/// The active_users_count page's input: users A and B by day, B also before `Start`.
const FANS: &str = "let Start = datetime(2018-07-01);
let End = datetime(2018-07-31);
let T = datatable(User:string, Timestamp:datetime)
[
'B', datetime(2018-06-29), 'B', datetime(2018-06-30), 'A', datetime(2018-07-02),
'B', datetime(2018-07-04), 'B', datetime(2018-07-08), 'A', datetime(2018-07-10),
'A', datetime(2018-07-14), 'A', datetime(2018-07-17), 'A', datetime(2018-07-20),
'B', datetime(2018-07-24)
];
";

/// docs: https://learn.microsoft.com/en-us/kusto/query/active-users-count-plugin
/// Rows beyond the page's example follow its definitions: an appearance is active when
/// its user appears in at least ActivePeriodsCount distinct periods of the window ending
/// with it; each step's row is the distinct count of users with an active appearance in
/// it, and a step without any gives no row.
const ACTIVE_USERS_COUNT: &[(&str, &str)] = &[
    // The page's example: weekly, users seen on 3 distinct days within 8 days.
    (
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 3, 7d)",
        "Timestamp:datetime|dcount:long
         2018-07-01T00:00:00.0000000Z|1
         2018-07-15T00:00:00.0000000Z|1",
    ),
    // Two distinct days: B on July 4 (June 29, 30) and 8 (July 4); A on July 14
    // (July 10), 17 and 20.
    (
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 2, 7d)",
        "Timestamp:datetime|dcount:long
         2018-07-01T00:00:00.0000000Z|1
         2018-07-08T00:00:00.0000000Z|2
         2018-07-15T00:00:00.0000000Z|1",
    ),
    // Four distinct days within 15: B on July 8 (June 29, 30, July 4), A on July 20
    // (July 10, 14, 17); the timeline column keeps its name.
    (
        "T | project u = User, day = Timestamp
         | evaluate active_users_count(u, day, Start, End, 15d, 1d, 4, 7d)",
        "day:datetime|dcount:long
         2018-07-08T00:00:00.0000000Z|1
         2018-07-15T00:00:00.0000000Z|1",
    ),
    // B's appearance on July 24 lies in a step after End (July 21): it counts nowhere.
    (
        "T | evaluate active_users_count(User, Timestamp, Start, datetime(2018-07-21), 8d, 1d, 3, 7d)",
        "Timestamp:datetime|dcount:long
         2018-07-01T00:00:00.0000000Z|1
         2018-07-15T00:00:00.0000000Z|1",
    ),
    // Nobody appears on two days within three: no rows.
    (
        "T | evaluate active_users_count(User, Timestamp, Start, End, 3d, 1d, 2, 7d)",
        "Timestamp:datetime|dcount:long",
    ),
];

#[test]
fn active_users_count_follows_its_page() {
    for (q, want) in ACTIVE_USERS_COUNT {
        check(&format!("{FANS}{q}"), want);
    }
    // What the page leaves open is refused: daily steps, where A's appearance on July
    // 17 counts for an 8d window (three days from July 10) by the page's example but not
    // by its text; the same for a 4d window (A on July 17 with July 14); dimensions; a
    // step, period or window that is not a timespan or not whole periods; a count that
    // is not a positive integer; an appearance inside a period, or at End or after it in
    // the step holding End (July 24 in the step of July 22).
    for q in [
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 3, 1d)",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 4d, 1d, 2, 7d)",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 3, 7d, User)",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 3, 'week')",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 36h, 1d, 3, 7d)",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 0, 7d)",
        "T | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 2.5, 7d)",
        "T | evaluate active_users_count(User, Timestamp, Start, datetime(2018-07-24), 8d, 1d, 3, 7d)",
        "T | evaluate active_users_count(User, Timestamp, Start, datetime(2018-07-23), 8d, 1d, 3, 7d)",
        "T | extend Timestamp = Timestamp + 1h
         | evaluate active_users_count(User, Timestamp, Start, End, 8d, 1d, 3, 7d)",
    ] {
        fails(&format!("{FANS}{q}"));
    }
}

/// The sliding_window_counts page's input (its `datetime(2017 - 08 - 01)` written
/// without the spaces).
const VISITS: &str = "let start = datetime(2017-08-01);
let end = datetime(2017-08-07);
let T = datatable(UserId:string, Timestamp:datetime)
[
'Bob', datetime(2017-08-01), 'David', datetime(2017-08-01), 'David', datetime(2017-08-01),
'John', datetime(2017-08-01), 'Bob', datetime(2017-08-01), 'Ananda', datetime(2017-08-02),
'Atul', datetime(2017-08-02), 'John', datetime(2017-08-02), 'Ananda', datetime(2017-08-03),
'Atul', datetime(2017-08-03), 'Atul', datetime(2017-08-03), 'John', datetime(2017-08-03),
'Bob', datetime(2017-08-03), 'Betsy', datetime(2017-08-04), 'Bob', datetime(2017-08-05),
];
";

/// The page's example answer (its columns `Count`, `Dcount` as Kusto.Language names them).
const VISITS_3D: &str = "Timestamp:datetime|Count:long|Dcount:long
     2017-08-01T00:00:00.0000000Z|5|3
     2017-08-02T00:00:00.0000000Z|8|5
     2017-08-03T00:00:00.0000000Z|13|5
     2017-08-04T00:00:00.0000000Z|9|5
     2017-08-05T00:00:00.0000000Z|7|5
     2017-08-06T00:00:00.0000000Z|2|2
     2017-08-07T00:00:00.0000000Z|1|1";

/// docs: https://learn.microsoft.com/en-us/kusto/query/sliding-window-counts-plugin
const SLIDING_WINDOW_COUNTS: &[(&str, &str)] = &[
    // The page's example: per day, the records and distinct users of the last 3 days.
    (
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 3d, 1d)",
        VISITS_3D,
    ),
    // "rounded down to a multiple of the Bin value".
    (
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 3d + 12h, 1d)",
        VISITS_3D,
    ),
    // Two days, by the page's definition; the timeline column keeps its name.
    (
        "T | project u = UserId, day = Timestamp
         | evaluate sliding_window_counts(u, day, start, datetime(2017-08-06), 2d, 1d)",
        "day:datetime|Count:long|Dcount:long
         2017-08-01T00:00:00.0000000Z|5|3
         2017-08-02T00:00:00.0000000Z|8|5
         2017-08-03T00:00:00.0000000Z|8|4
         2017-08-04T00:00:00.0000000Z|6|5
         2017-08-05T00:00:00.0000000Z|2|2
         2017-08-06T00:00:00.0000000Z|1|1",
    ),
];

#[test]
fn sliding_window_counts_follows_its_page() {
    for (q, want) in SLIDING_WINDOW_COUNTS {
        check(&format!("{VISITS}{q}"), want);
    }
    // What the page leaves open is refused: a window without records (August 7 over
    // two days), dimensions, a Bin that is not a timespan, a window shorter than a step,
    // a Start inside a step, records before Start or after End.
    for q in [
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 2d, 1d)",
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 3d, 1d, UserId)",
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 3d, 'week')",
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, end, 12h, 1d)",
        "T | evaluate sliding_window_counts(UserId, Timestamp, start + 6h, end, 3d, 1d)",
        "T | evaluate sliding_window_counts(UserId, Timestamp, datetime(2017-08-02), end, 3d, 1d)",
        "T | evaluate sliding_window_counts(UserId, Timestamp, start, datetime(2017-08-04), 3d, 1d)",
    ] {
        fails(&format!("{VISITS}{q}"));
    }
}
