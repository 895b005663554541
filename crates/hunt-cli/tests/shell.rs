//! The interactive shell driven through a real pseudo-terminal (tmux): Tab completes a
//! table and a column name, a query typed over several lines runs at the blank line, a
//! result taller than the terminal opens the pager, and Ctrl-C cancels a long query while
//! the shell stays usable.
//!
//! Needs `tmux` and `less` (installed by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{ArrayRef, Int64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

const ROW_GROUPS: usize = 400;
const GROUP_ROWS: usize = 500;

/// `Events`: Account (`u0`..`u9`), ActionType, Payload (a 40-byte string), N (0..), in
/// many small row groups so a scan has many units to hand out.
fn write_events(dir: &Path) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("Account", DataType::Utf8, false),
        Field::new("ActionType", DataType::Utf8, false),
        Field::new("Payload", DataType::Utf8, false),
        Field::new("N", DataType::Int64, false),
    ]));
    let file = std::fs::File::create(dir.join("Events.parquet")).expect("create");
    let props = WriterProperties::builder()
        .set_max_row_group_size(GROUP_ROWS)
        .build();
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).expect("writer");
    for g in 0..ROW_GROUPS {
        let n: Vec<i64> = (0..GROUP_ROWS)
            .map(|i| (g * GROUP_ROWS + i) as i64)
            .collect();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(
                n.iter().map(|i| format!("u{}", i % 10)),
            )),
            Arc::new(StringArray::from_iter_values(n.iter().map(|i| {
                if i % 2 == 0 {
                    "FileRead"
                } else {
                    "FileUploaded"
                }
            }))),
            Arc::new(StringArray::from_iter_values(
                n.iter().map(|i| format!("{i:040}")),
            )),
            Arc::new(Int64Array::from(n)),
        ];
        w.write(&RecordBatch::try_new(schema.clone(), cols).expect("batch"))
            .expect("write");
    }
    w.close().expect("close");
}

struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket);
        c
    }
    fn send(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", "hunt"])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(ok.success());
    }
    fn type_text(&self, text: &str) {
        // tmux reads an argument ending in `;` as a command separator: escape it.
        let arg = match text.strip_suffix(';') {
            Some(rest) => format!("{rest}\\;"),
            None => text.to_owned(),
        };
        let ok = self
            .cmd()
            .args(["send-keys", "-t", "hunt", "-l", &arg])
            .status()
            .expect("tmux send-keys");
        assert!(ok.success());
    }
    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "hunt"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// Waits (up to a generous limit, for slow machines) until the screen satisfies `ok`.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(Instant::now() < deadline, "waited for {what}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

#[test]
fn shell_completes_runs_pages_and_cancels() {
    let have_tmux = Command::new("tmux").arg("-V").output().is_ok();
    assert!(have_tmux, "this test needs tmux (installed by .ci/run)");
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    write_events(&data);
    let tmux = Tmux {
        socket: tmp.path().join("tmux.sock"),
    };
    let command = format!(
        "env TERM=xterm-256color HOME={home} HUNT_HISTORY={home}/history PAGER='less -RSX' {bin} shell --data {data} --threads 2",
        home = tmp.path().display(),
        bin = env!("CARGO_BIN_EXE_hunt"),
        data = data.display(),
    );
    let ok = tmux
        .cmd()
        .args([
            "new-session",
            "-d",
            "-s",
            "hunt",
            "-x",
            "150",
            "-y",
            "40",
            &command,
        ])
        .status()
        .expect("start tmux");
    assert!(ok.success());
    tmux.wait_for("the banner", |s| s.contains("hunt shell over"));

    // A table name, then a column of that table, by Tab.
    tmux.type_text("Eve");
    tmux.send(&["Tab"]);
    tmux.wait_for("the table completed", |s| s.contains("Events"));
    tmux.type_text(" | where Acc");
    tmux.send(&["Tab"]);
    tmux.wait_for("the column completed", |s| s.contains("| where Account"));
    // Two more lines; the blank line runs it. u3 is every tenth row.
    tmux.type_text(" == 'u3'");
    tmux.send(&["Enter"]);
    tmux.type_text("| count");
    tmux.send(&["Enter"]);
    tmux.send(&["Enter"]);
    let expected = (ROW_GROUPS * GROUP_ROWS / 10).to_string();
    tmux.wait_for("the multi-line query's count", |s| {
        s.contains(&expected) && s.contains("(1 row(s))")
    });

    // 200 rows do not fit 40 lines: the pager shows the first page and waits.
    tmux.type_text("Events | project N | take 200;");
    tmux.send(&["Enter"]);
    let paged = tmux.wait_for("the pager", |s| s.contains("│ 30 ") && s.contains("│ 0 "));
    assert!(
        !paged.contains("(200 row(s))"),
        "the pager holds the rest:\n{paged}"
    );
    assert!(!paged.contains("│ 199 "), "{paged}");
    tmux.send(&["q"]);
    tmux.wait_for("the pager closed", |s| s.contains("(200 row(s))"));

    // A long query: Ctrl-C once its progress bar shows; the shell stays.
    tmux.send(&["C-l"]);
    tmux.type_text("Events | extend h = hash_sha256(strrep(Payload, 1000)) | summarize dcount(h);");
    tmux.send(&["Enter"]);
    tmux.wait_for("the progress bar", |s| s.contains("row groups"));
    tmux.send(&["C-c"]);
    tmux.wait_for("the cancellation", |s| s.contains("cancelled"));
    tmux.type_text("Events | where ActionType == 'FileUploaded' | count;");
    tmux.send(&["Enter"]);
    let half = (ROW_GROUPS * GROUP_ROWS / 2).to_string();
    tmux.wait_for("a query after the cancel", |s| s.contains(&half));

    // Ctrl-D leaves; the history file keeps the session's queries for the next one.
    tmux.send(&["C-d"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while tmux
        .cmd()
        .args(["has-session", "-t", "hunt"])
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            Instant::now() < deadline,
            "the shell did not leave on Ctrl-D"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let history = std::fs::read_to_string(tmp.path().join("history")).expect("history file");
    assert!(
        history.contains("Events | project N | take 200;"),
        "{history}"
    );
}
