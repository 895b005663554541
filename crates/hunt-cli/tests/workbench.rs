//! `--chart`, `--out`, `--max-rows` and `hunt fmt` through the built binary.
//!
//! Charts are checked for what the Kusto render docs define: a timechart's lines are the
//! values of its string column, its x axis the datetime column; a piechart's slices are the
//! first column's values. The pixels were looked at in headless Chromium when the chart code
//! was written (see docs/workbench.md); here the SVG's text is checked.

use std::path::Path;
use std::process::{Command, Output};

fn hunt(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hunt"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run hunt")
}

const EVENTS: &str = r#"datatable(Timestamp:datetime, ActionType:string, Count:long)[
    datetime(2025-06-01), "FileRead", 5,
    datetime(2025-06-01), "FileUploaded", 2,
    datetime(2025-06-02), "FileRead", 7,
    datetime(2025-06-02), "FileUploaded", 1,
    datetime(2025-06-03), "FileRead", 4,
    datetime(2025-06-03), "FileUploaded", 6]"#;

#[test]
fn timechart_and_piechart_svgs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let svg = tmp.path().join("time.svg");
    let q = format!("{EVENTS} | render timechart with (title='Events per day')");
    let out = hunt(tmp.path(), &["--chart", svg.to_str().expect("utf8"), &q]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).expect("chart written");
    assert!(text.starts_with("<svg"), "{}", &text[..text.len().min(80)]);
    for expected in [
        "Events per day",
        "FileRead",
        "FileUploaded",
        "06-01",
        "06-03",
    ] {
        assert!(text.contains(expected), "timechart lacks {expected}");
    }

    let html = tmp.path().join("pie.html");
    let q = format!("{EVENTS} | summarize Total = sum(Count) by ActionType | render piechart");
    let out = hunt(tmp.path(), &["--chart", html.to_str().expect("utf8"), &q]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).expect("chart written");
    assert!(text.contains("<svg") && text.contains("FileRead") && text.contains("FileUploaded"));
    assert!(
        !text.contains("<script") && !text.contains("src=\"http"),
        "self-contained"
    );
    // A plain pie, as Kusto draws it: every slice starts at the same centre (the canvas's)
    // and has the same outer radius; the angle alone carries the value (no rose, no hole).
    let slices: Vec<&str> = text
        .split("<path d=\"")
        .skip(1)
        .filter(|p| p.contains("data-series="))
        .collect();
    assert_eq!(slices.len(), 2, "one slice per ActionType");
    let width: f32 = attr(&text, "width").parse().expect("svg width");
    let height: f32 = attr(&text, "height").parse().expect("svg height");
    let centre = format!("M{},{} L", width / 2.0, height / 2.0);
    let mut radii = Vec::new();
    for s in &slices {
        assert!(
            s.starts_with(&centre),
            "slice not from the centre {centre}: {s}"
        );
        // Corners are zero-radius arcs; the outer edge may be drawn as several arcs.
        radii.extend(
            s.split(" A")
                .skip(1)
                .filter_map(|a| a.split(' ').next())
                .filter(|r| *r != "0")
                .map(str::to_string),
        );
    }
    assert!(
        !radii.is_empty() && radii.windows(2).all(|w| w[0] == w[1]),
        "{radii:?}"
    );

    // A timechart over a non-datetime x column is refused, naming the column.
    let q = "datatable(A:string, N:long)['a', 1] | render timechart";
    let out = hunt(tmp.path(), &["--chart", svg.to_str().expect("utf8"), q]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`A`"));
}

#[test]
fn out_files_keep_every_row_and_max_rows_caps_the_grid() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let q = "range N from 1 to 30 step 1 | extend S = strcat('row', N)";
    let pq = tmp.path().join("all.parquet");
    let out = hunt(
        tmp.path(),
        &["--max-rows", "5", "--out", pq.to_str().expect("utf8"), q],
    );
    assert!(out.status.success());
    let grid = String::from_utf8_lossy(&out.stdout);
    assert!(grid.contains("row5") && !grid.contains("row6"), "{grid}");
    assert!(grid.contains("showing the first 5 of 30 rows"), "{grid}");
    // The Parquet file holds all 30 rows and is a table hunt can query back.
    let back = tmp.path().join("back");
    std::fs::create_dir_all(&back).expect("mkdir");
    std::fs::rename(&pq, back.join("R.parquet")).expect("move");
    let out = hunt(
        &back,
        &["--format", "csv", "R | summarize n = count(), m = max(N)"],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n,m\n30,30\n");

    for ext in ["arrow", "csv", "json"] {
        let f = tmp.path().join(format!("all.{ext}"));
        let out = hunt(tmp.path(), &["--out", f.to_str().expect("utf8"), q]);
        assert!(out.status.success());
        let bytes = std::fs::read(&f).expect("written");
        match ext {
            "arrow" => assert!(bytes.starts_with(b"ARROW1")),
            "csv" => assert_eq!(String::from_utf8_lossy(&bytes).lines().count(), 31),
            _ => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
                assert_eq!(v["results"].as_array().map(Vec::len), Some(30));
                assert_eq!(v["schema"][0]["type"], "Int64");
            }
        }
    }
}

#[test]
fn fmt_prints_canonical_keeps_comments_and_checks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("q.kql");
    std::fs::write(&file, "// big uploads\nT|where Size>10 // bytes\n|take 5").expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hunt"))
            .arg("fmt")
            .args(args)
            .output()
            .expect("run")
    };
    let f = file.to_str().expect("utf8");
    let out = run(&[f]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "// big uploads\nT\n| where Size > 10  // bytes\n| take 5\n"
    );
    assert_eq!(run(&["--check", f]).status.code(), Some(1));
    assert!(run(&["--write", f]).status.success());
    assert_eq!(run(&["--check", f]).status.code(), Some(0));
    let out = run(&["T | where"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The value of the first `name="..."` attribute in `text`.
fn attr<'a>(text: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    text.split_once(key.as_str())
        .and_then(|(_, rest)| rest.split('"').next())
        .unwrap_or("")
}
