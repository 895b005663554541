//! `hunt gen` never loses data: it refuses a non-empty folder without `--force`,
//! replaces only what it generates with `--force`, and a run killed half-way leaves the
//! previous dataset intact, with no zero-byte or half-written file in it.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn hunt() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hunt"))
}

fn gen_cmd(out: &Path, events: &str, seed: &str, force: bool) -> Command {
    let mut c = hunt();
    c.args([
        "gen", "--events", events, "--seed", seed, "--days", "14", "--out",
    ])
    .arg(out);
    if force {
        c.arg("--force");
    }
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Every file under `dir` (relative path → content).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_non_empty_folder_is_refused_without_force() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("data");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = gen_cmd(&out, "300", "1", false).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not empty") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(snapshot(&out).len(), 1);
    // With --force the tables are written and unrelated files stay.
    let o = gen_cmd(&out, "300", "1", true).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    hunt_gen::check_dataset(&out).unwrap();
    // A second --force run replaces the data: the marker records the new options.
    let o = gen_cmd(&out, "400", "2", true).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    hunt_gen::check_dataset(&out).unwrap();
    let marker = std::fs::read_to_string(out.join(hunt_gen::COMPLETE_MARKER)).unwrap();
    assert!(marker.contains("\"events\": 400"), "{marker}");
}

#[test]
fn a_killed_run_leaves_the_previous_dataset_intact() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("data");
    let o = gen_cmd(&out, "300", "1", false).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let before = snapshot(&out);

    // A big run, killed as soon as it has started writing files.
    let mut child = gen_cmd(&out, "2000000", "9", true).spawn().unwrap();
    let mut started = false;
    for _ in 0..6000 {
        let staged = std::fs::read_dir(root.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".hunt-gen-tmp-"))
            .any(|e| !snapshot(&e.path()).is_empty());
        if staged {
            started = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(started, "the run never started writing");
    assert!(
        !status.success(),
        "the run finished before it could be killed"
    );

    // The previous dataset is exactly as it was, and still checks out.
    assert_eq!(snapshot(&out), before);
    hunt_gen::check_dataset(&out).unwrap();
    assert!(
        snapshot(&out).values().all(|v| !v.is_empty()),
        "zero-byte file in place"
    );

    // The next run removes the dead run's staging folder.
    let o = gen_cmd(&out, "300", "3", true).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "data")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    hunt_gen::check_dataset(&out).unwrap();
}
