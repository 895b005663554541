//! Window functions over serialized rows, table-driven: each row is a query and Kusto's
//! answer from the function's Microsoft Learn page (cited per table), or a form the page
//! leaves open or Kusto rejects, which hunt must refuse.

use super::{check, fails};

/// docs: https://learn.microsoft.com/en-us/kusto/query/row-window-session-function
const ROW_WINDOW_SESSION: &[(&str, &str)] = &[
    // The page's example: sessions of at most an hour, of rows less than five minutes
    // apart, restarted where the ID changes.
    (
        r#"datatable (ID:string, Timestamp:datetime) [
            "1", datetime(2024-04-11 10:00:00),
            "2", datetime(2024-04-11 10:18:00),
            "1", datetime(2024-04-11 11:00:00),
            "3", datetime(2024-04-11 11:30:00),
            "2", datetime(2024-04-11 13:30:00),
            "2", datetime(2024-04-11 10:16:00)
        ]
        | sort by ID asc, Timestamp asc
        | extend SessionStarted = row_window_session(Timestamp, 1h, 5m, ID != prev(ID))"#,
        "ID:string|Timestamp:datetime|SessionStarted:datetime
         1|2024-04-11T10:00:00.0000000Z|2024-04-11T10:00:00.0000000Z
         1|2024-04-11T11:00:00.0000000Z|2024-04-11T11:00:00.0000000Z
         2|2024-04-11T10:16:00.0000000Z|2024-04-11T10:16:00.0000000Z
         2|2024-04-11T10:18:00.0000000Z|2024-04-11T10:16:00.0000000Z
         2|2024-04-11T13:30:00.0000000Z|2024-04-11T13:30:00.0000000Z
         3|2024-04-11T11:30:00.0000000Z|2024-04-11T11:30:00.0000000Z",
    ),
    // The page's rules: a value that "equals or exceeds" the session's first plus
    // MaxDistanceFromFirst starts a session (10:10 is 10 minutes after 10:00), as does one
    // that reaches the value before plus MaxDistanceBetweenNeighbors (10:30 after 10:25);
    // a null gives null and the next value starts a session.
    (
        "datatable (t:datetime) [
            datetime(2024-01-01 10:00), datetime(2024-01-01 10:04), datetime(2024-01-01 10:08),
            datetime(2024-01-01 10:10), datetime(2024-01-01 10:15), datetime(2024-01-01 10:25),
            datetime(2024-01-01 10:30), datetime(null), datetime(2024-01-01 10:31)
        ]
        | serialize s = row_window_session(t, 10m, 5m)
        | project s",
        "s:datetime
         2024-01-01T10:00:00.0000000Z
         2024-01-01T10:00:00.0000000Z
         2024-01-01T10:00:00.0000000Z
         2024-01-01T10:10:00.0000000Z
         2024-01-01T10:15:00.0000000Z
         2024-01-01T10:25:00.0000000Z
         2024-01-01T10:30:00.0000000Z
         null
         2024-01-01T10:31:00.0000000Z",
    ),
];

#[test]
fn row_window_session_follows_its_page() {
    for (q, want) in ROW_WINDOW_SESSION {
        check(q, want);
    }
    // Serialized rows only, a datetime to group, constant timespans (Functions.cs).
    fails(
        "range x from 1 to 3 step 1 | extend t = now() | extend s = row_window_session(t, 1h, 5m)",
    );
    fails("range x from 1 to 3 step 1 | serialize s = row_window_session(x, 1h, 5m)");
    fails(
        "range x from 1 to 3 step 1 | extend t = now() | serialize s = row_window_session(t, 1h)",
    );
    fails(
        "range x from 1 to 3 step 1 | extend t = now(), d = 1h | serialize s = row_window_session(t, d, 5m)",
    );
}
