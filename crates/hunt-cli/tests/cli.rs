//! End-to-end tests of the `hunt` binary: each output format, exit codes, error rendering,
//! query sources (argument, `-f`, stdin) and flag validation.
//!
//! Each test writes a small Parquet table `T` into a temporary directory and runs the built
//! binary over it with `std::process::Command` (no harness crate needed: Cargo hands us the
//! binary's path in `CARGO_BIN_EXE_hunt`). Expected outputs are written by hand from KQL
//! semantics.
//!
//! Fixture `T` (Name: string, N: long, Ts: datetime):
//!
//! | Name      | N | Ts                           |
//! |-----------|---|------------------------------|
//! | alice     | 1 | 2025-06-01T10:00:00Z         |
//! | bob       | 3 | 2025-06-01T11:30:00.5Z       |
//! | carol, jr | 2 | 2025-06-02T00:00:00.0000001Z |
//! | dave      | 5 | null                         |

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, StringArray, TimestampNanosecondArray};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;

/// 2025-06-01T10:00:00Z in nanoseconds since the Unix epoch.
const T0: i64 = 1_748_772_000_000_000_000;
const SEC: i64 = 1_000_000_000;

/// The main test query: three of the four rows, sorted ascending by N.
const QUERY: &str = "T | where N > 1 | project Name, N, Ts | sort by N asc";

/// A temporary data directory holding `T.parquet`.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("Name", DataType::Utf8, true),
            Field::new("N", DataType::Int64, true),
            Field::new(
                "Ts",
                DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                true,
            ),
        ]));
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["alice", "bob", "carol, jr", "dave"])),
            Arc::new(Int64Array::from(vec![1, 3, 2, 5])),
            Arc::new(
                TimestampNanosecondArray::from(vec![
                    Some(T0),
                    Some(T0 + 5_400 * SEC + SEC / 2),
                    Some(T0 + 14 * 3_600 * SEC + 100),
                    None,
                ])
                .with_timezone("UTC"),
            ),
        ];
        let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
        let file = std::fs::File::create(dir.path().join("T.parquet")).unwrap();
        let mut writer = ArrowWriter::try_new(file, schema, None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        Fixture { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `hunt --data <fixture> ARGS…` with a closed stdin.
    fn run(&self, args: &[&str]) -> Out {
        let mut cmd = hunt();
        cmd.arg("--data").arg(self.path()).args(args);
        run(cmd, None)
    }
}

/// The binary with a clean environment for the things it reads.
fn hunt() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hunt"));
    cmd.env_remove("HUNT_DATA").env("NO_COLOR", "1");
    cmd
}

/// What a run printed, and its exit code.
#[derive(Debug)]
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command, stdin: Option<&str>) -> Out {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).unwrap();
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Out {
        code: status.code(),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

const CSV: &str = "\
Name,N,Ts
\"carol, jr\",2,2025-06-02T00:00:00.0000001Z
bob,3,2025-06-01T11:30:00.5000000Z
dave,5,
";

#[test]
fn csv_format() {
    let out = Fixture::new().run(&["--format", "csv", QUERY]);
    assert_eq!(out.stdout, CSV, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn timing_goes_to_stderr_after_the_rows() {
    let out = Fixture::new().run(&["--format", "csv", "--timing", QUERY]);
    assert_eq!(out.stdout, CSV, "{out:?}");
    let secs: f64 = out
        .stderr
        .trim()
        .strip_prefix("elapsed: ")
        .and_then(|s| s.strip_suffix(" s"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(-1.0);
    assert!((0.0..60.0).contains(&secs), "{out:?}");
}

#[test]
fn json_format_is_the_graph_shape() {
    let out = Fixture::new().run(&["--format", "json", QUERY]);
    let expected = concat!(
        r#"{"schema":[{"name":"Name","type":"String"},{"name":"N","type":"Int64"},{"name":"Ts","type":"DateTime"}],"#,
        r#""results":["#,
        r#"{"Name":"carol, jr","N":2,"Ts":"2025-06-02T00:00:00.0000001Z"},"#,
        r#"{"Name":"bob","N":3,"Ts":"2025-06-01T11:30:00.5000000Z"},"#,
        r#"{"Name":"dave","N":5,"Ts":null}]}"#,
        "\n"
    );
    assert_eq!(out.stdout, expected, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn ndjson_format() {
    let out = Fixture::new().run(&["--format", "ndjson", QUERY]);
    let expected = concat!(
        r#"{"Name":"carol, jr","N":2,"Ts":"2025-06-02T00:00:00.0000001Z"}"#,
        "\n",
        r#"{"Name":"bob","N":3,"Ts":"2025-06-01T11:30:00.5000000Z"}"#,
        "\n",
        r#"{"Name":"dave","N":5,"Ts":null}"#,
        "\n"
    );
    assert_eq!(out.stdout, expected, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn table_format_is_the_default() {
    let out = Fixture::new().run(&[QUERY]);
    let expected = "\
┌───────────┬───┬──────────────────────────────┐
│ Name      ┆ N ┆ Ts                           │
╞═══════════╪═══╪══════════════════════════════╡
│ carol, jr ┆ 2 ┆ 2025-06-02T00:00:00.0000001Z │
│ bob       ┆ 3 ┆ 2025-06-01T11:30:00.5000000Z │
│ dave      ┆ 5 ┆                              │
└───────────┴───┴──────────────────────────────┘
";
    assert_eq!(out.stdout, expected, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn empty_result_exits_1_with_header_only() {
    let out = Fixture::new().run(&["--format", "csv", "T | where N > 100 | project Name, N"]);
    assert_eq!(out.stdout, "Name,N\n", "{out:?}");
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
}

/// The stderr line right after the source line containing `needle` must underline exactly
/// `needle`'s columns (ariadne draws `─` with a `┬` for the label).
fn assert_underlined(stderr: &str, needle: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.contains('│') && l.contains(needle))
        .unwrap_or_else(|| panic!("no source line with `{needle}` in:\n{stderr}"));
    let src_chars: Vec<char> = lines[src].chars().collect();
    let needle_chars: Vec<char> = needle.chars().collect();
    let col = src_chars
        .windows(needle_chars.len())
        .position(|w| w == needle_chars.as_slice())
        .unwrap();
    let under: Vec<char> = lines.get(src + 1).copied().unwrap_or("").chars().collect();
    let marked_cols: Vec<usize> = (0..under.len())
        .filter(|&i| matches!(under[i], '─' | '┬' | '^'))
        .collect();
    let expected_cols: Vec<usize> = (col..col + needle_chars.len()).collect();
    assert_eq!(
        marked_cols, expected_cols,
        "underline not under `{needle}` in:\n{stderr}"
    );
}

#[test]
fn unknown_column_is_underlined_with_a_suggestion() {
    let out = Fixture::new().run(&["T | where Nmae > 1"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    assert!(out.stderr.contains("Nmae"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Name"),
        "expected a `Name` suggestion:\n{}",
        out.stderr
    );
    assert!(out.stderr.contains("query:1:11"), "{}", out.stderr);
    assert_underlined(&out.stderr, "Nmae");
    assert!(
        !out.stderr.contains('\x1b'),
        "NO_COLOR output has escape codes:\n{}",
        out.stderr
    );
}

#[test]
fn syntax_error_exits_2() {
    let out = Fixture::new().run(&["T | where N >"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    assert!(!out.stderr.is_empty(), "{out:?}");
}

#[test]
fn help_works() {
    let mut cmd = hunt();
    cmd.arg("--help");
    let out = run(cmd, None);
    assert_eq!(out.code, Some(0), "{out:?}");
    for word in [
        "Usage: hunt",
        "--data",
        "--format",
        "--now",
        "--threads",
        "-f, --file",
        "gen",
        "HUNT_DATA",
    ] {
        assert!(
            out.stdout.contains(word),
            "--help lacks `{word}`:\n{}",
            out.stdout
        );
    }
}

#[test]
fn query_from_stdin() {
    let fx = Fixture::new();
    let mut cmd = hunt();
    cmd.arg("--data").arg(fx.path()).args(["--format", "csv"]);
    let out = run(cmd, Some(QUERY));
    assert_eq!(out.stdout, CSV, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn query_from_file() {
    let fx = Fixture::new();
    let file = fx.path().join("q.kql");
    // A multi-line query with a comment, as hunting queries are usually kept.
    std::fs::write(
        &file,
        "// three rows\nT\n| where N > 1\n| project Name, N, Ts\n| sort by N asc\n",
    )
    .unwrap();
    let out = fx.run(&["--format", "csv", "-f", file.to_str().unwrap()]);
    assert_eq!(out.stdout, CSV, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn error_in_a_query_file_names_the_file_and_line() {
    let fx = Fixture::new();
    let file = fx.path().join("bad.kql");
    std::fs::write(&file, "T\n| where Nmae > 1\n").unwrap();
    let out = fx.run(&["-f", file.to_str().unwrap()]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains(&format!("{}:2:9", file.display())),
        "{}",
        out.stderr
    );
    assert_underlined(&out.stderr, "Nmae");
}

#[test]
fn data_dir_from_env() {
    let fx = Fixture::new();
    let mut cmd = hunt();
    cmd.env("HUNT_DATA", fx.path())
        .args(["--format", "csv", QUERY]);
    let out = run(cmd, None);
    assert_eq!(out.stdout, CSV, "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn bad_data_dir_exits_2_naming_it() {
    let missing = PathBuf::from("/nonexistent/hunt-test-data-dir");
    let mut cmd = hunt();
    cmd.arg("--data").arg(&missing).arg("T");
    let out = run(cmd, None);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("/nonexistent/hunt-test-data-dir"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "{out:?}");
}

#[test]
fn missing_query_file_exits_2_naming_it() {
    let out = Fixture::new().run(&["-f", "/nonexistent/query.kql"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("/nonexistent/query.kql"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_now_exits_2_naming_the_value() {
    let out = Fixture::new().run(&["--now", "last tuesday", QUERY]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("last tuesday"), "{}", out.stderr);
}

#[test]
fn now_fixes_ago() {
    // With now = 2025-06-02T00:00:00Z, ago(1d) is 2025-06-01T00:00:00Z: every dated row is newer.
    let out = Fixture::new().run(&[
        "--format",
        "csv",
        "--now",
        "2025-06-02",
        "T | where Ts > ago(1d) | project Name | sort by Name asc",
    ]);
    assert_eq!(out.stdout, "Name\nalice\nbob\n\"carol, jr\"\n", "{out:?}");
    // With now one day later, only the row at 2025-06-02T00:00:00.0000001Z is within a day.
    let out = Fixture::new().run(&[
        "--format",
        "csv",
        "--now",
        "2025-06-03T00:00:00Z",
        "T | where Ts > ago(1d) | project Name",
    ]);
    assert_eq!(out.stdout, "Name\n\"carol, jr\"\n", "{out:?}");
}

#[test]
fn explain_prints_the_plan_without_running() {
    let out = Fixture::new().run(&["--explain", QUERY]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("Scan"), "{out:?}");
    assert!(!out.stdout.contains("carol"), "{out:?}");
}

#[test]
fn engine_notices_go_to_stderr() {
    // `render` draws nothing in hunt; the engine reports that it ignored it.
    let out = Fixture::new().run(&[
        "--format",
        "csv",
        "T | project N | where N == 5 | render table",
    ]);
    assert_eq!(out.stdout, "N\n5\n", "{out:?}");
    assert!(out.stderr.starts_with("note: "), "{out:?}");
    assert_eq!(out.code, Some(0), "{out:?}");
}

#[test]
fn usage_errors_exit_2() {
    let fx = Fixture::new();
    for args in [
        &["--format", "xml", "T"][..],
        &["--threads", "0", "T"],
        &["-f", "q.kql", "T"],
        &["--no-such-flag", "T"],
    ] {
        let out = fx.run(args);
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert_eq!(out.stdout, "", "{args:?}: {out:?}");
    }
}

#[test]
fn empty_stdin_query_exits_2() {
    let fx = Fixture::new();
    let mut cmd = hunt();
    cmd.arg("--data").arg(fx.path());
    let out = run(cmd, Some("  \n"));
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
}

#[test]
fn gen_writes_a_queryable_dataset() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = hunt();
    cmd.args([
        "gen", "--events", "300", "--seed", "7", "--days", "2", "--out",
    ])
    .arg(out_dir.path());
    let out = run(cmd, None);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains("DataSecurityEvents"), "{}", out.stderr);
    let mut cmd = hunt();
    cmd.arg("--data")
        .arg(out_dir.path())
        .args(["--format", "csv", "DataSecurityEvents | count"]);
    let out = run(cmd, None);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.starts_with("Count\n"), "{out:?}");
}

/// Uses `print` and a `dynamic(...)` literal (no fixture table has a dynamic column).
#[test]
fn json_dynamic_is_a_json_value_not_a_string() {
    let out = Fixture::new().run(&["--format", "json", r#"print d = dynamic({"a":[1,2]})"#]);
    assert_eq!(
        out.stdout,
        "{\"schema\":[{\"name\":\"d\",\"type\":\"Object\"}],\"results\":[{\"d\":{\"a\":[1,2]}}]}\n",
        "{out:?}"
    );
    assert_eq!(out.code, Some(0), "{out:?}");
}

/// A `summarize` of 200,000 groups under a 4 MiB memory limit spills (from 2 MiB) into
/// `--temp-dir` and answers; the folder is empty afterwards. With a folder that does not
/// exist, the spill error names it and suggests `--temp-dir`.
#[test]
fn temp_dir_takes_the_spill_files() {
    let fixture = Fixture::new();
    let temp = tempfile::tempdir().unwrap();
    let q = "range x from 1 to 200000 step 1 | summarize c = count() by x | summarize n = count(), s = sum(c)";
    let temp_arg = temp.path().to_str().unwrap();
    let out = fixture.run(&[
        "--format",
        "csv",
        "--memory-limit",
        "4MiB",
        "--temp-dir",
        temp_arg,
        q,
    ]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert_eq!(out.stdout, "n,s\n200000,200000\n", "{out:?}");
    assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 0);
    let missing = temp.path().join("missing");
    let missing_arg = missing.to_str().unwrap();
    let out = fixture.run(&[
        "--format",
        "csv",
        "--memory-limit",
        "4MiB",
        "--temp-dir",
        missing_arg,
        q,
    ]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains(missing_arg), "{out:?}");
    assert!(out.stderr.contains("--temp-dir"), "{out:?}");
}

/// A result far larger than the memory limit: 2 million rows of a long and a string
/// (about 50 MB as Arrow arrays) under `--memory-limit 16MiB`.
const BIG: &str = "range x from 1 to 2000000 step 1 | extend s = strcat('value-', x)";

#[test]
fn the_table_holds_only_the_rows_it_shows() {
    // Collected whole, this result stops at the limit (the `--out` path collects it).
    let fx = Fixture::new();
    let file = fx.path().join("big.csv").display().to_string();
    let out = fx.run(&["--memory-limit", "16MiB", "--out", &file, BIG]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("memory limit of 16.0 MiB"), "{out:?}");
    // Printed as a table it streams: the first 3 rows kept, the rest counted.
    let out = fx.run(&["--memory-limit", "16MiB", "--max-rows", "3", BIG]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("value-3") && !out.stdout.contains("value-4"),
        "{out:?}"
    );
    // Counted up to Kusto's result truncation limit of 500,000 records (to the end of the
    // batch that passes it), then stopped.
    let counted: usize = out
        .stdout
        .split("showing the first 3 of at least ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!((500_003..510_000).contains(&counted), "{out:?}");
    assert!(
        out.stdout
            .ends_with(" rows (--max-rows; --out FILE writes them all)\n")
    );
    // Below that, the exact count.
    let out = fx.run(&["--max-rows", "3", "range x from 1 to 400000 step 1"]);
    assert!(
        out.stdout.ends_with(
            "showing the first 3 of 400000 rows (--max-rows; --out FILE writes them all)\n"
        ),
        "{out:?}"
    );
}

#[test]
fn csv_and_ndjson_write_rows_as_they_come() {
    let fx = Fixture::new();
    let out = fx.run(&["--memory-limit", "16MiB", "--format", "csv", BIG]);
    assert_eq!(out.code, Some(0), "{:?}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2_000_001);
    assert_eq!(lines[0], "x,s");
    assert_eq!(lines[1], "1,value-1");
    assert_eq!(lines[2_000_000], "2000000,value-2000000");
    let out = fx.run(&[
        "--memory-limit",
        "16MiB",
        "--format",
        "ndjson",
        "range x from 1 to 20000 step 1 | where x % 5000 == 0",
    ]);
    assert_eq!(
        out.stdout, "{\"x\":5000}\n{\"x\":10000}\n{\"x\":15000}\n{\"x\":20000}\n",
        "{out:?}"
    );
    // A query that fails while its rows stream exits 2 with the error, not a partial 0.
    let out = fx.run(&[
        "--format",
        "csv",
        "--memory-limit",
        "16MiB",
        "range x from 1 to 2000000 step 1 | summarize make_list(strcat('value-', x))",
    ]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("memory limit"), "{out:?}");
}
