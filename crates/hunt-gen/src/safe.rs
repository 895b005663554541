//! Writing a dataset without ever losing data, and the demo dataset's self-checking cache.
//!
//! [`write_dataset_with`] generates into a private staging directory next to the
//! output (`.<out>.hunt-gen-tmp-<pid>-<n>`); inside it every Parquet file is written under
//! a hidden temporary name and renamed when complete, and the completion marker
//! [`COMPLETE_MARKER`] (a JSON list of every file and its size) is written last. Only
//! then does the data move into place: with one rename when `out` is new or empty, or,
//! with [`Existing::Replace`], table folder by table folder (the old marker is removed
//! first and the new one moved in last). So an interrupted run leaves the previous data
//! as it was, and never a zero-byte or half-written file under a name a reader uses.
//!
//! [`demo_dir`] keeps the built-in demo dataset under the temp directory. Before using
//! it, it removes staging folders that crashed or killed runs left behind (those whose
//! process is gone), and checks the cache with [`check_dataset`]; a damaged cache is
//! moved aside and rebuilt.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::error::GenError;
use crate::{DEMO_VERSION, GenOptions, GenReport, generate_into};

/// Name of the completion marker in a generated dataset's folder. The leading `_`
/// keeps hunt's table discovery away from it.
pub const COMPLETE_MARKER: &str = "_HUNT_GEN_COMPLETE.json";

/// What [`write_dataset_with`] does when the output folder already holds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse with [`GenError::NotEmpty`] (the default of `hunt gen`).
    Refuse,
    /// Replace the generated tables' folders (`hunt gen --force`); other entries stay.
    Replace,
}

/// [`write_dataset_with`] with [`Existing::Refuse`]: `out` must not exist or be empty.
pub fn write_dataset(opts: &GenOptions, out: &Path) -> Result<GenReport, GenError> {
    write_dataset_with(opts, out, Existing::Refuse)
}

/// Generates the dataset of `opts` into `out` safely (see the module documentation).
pub fn write_dataset_with(
    opts: &GenOptions,
    out: &Path,
    existing: Existing,
) -> Result<GenReport, GenError> {
    crate::validate(opts)?;
    let occupied = occupied(out)?;
    if occupied && existing == Existing::Refuse {
        return Err(GenError::NotEmpty(out.to_path_buf()));
    }
    let (parent, name) = split(out)?;
    std::fs::create_dir_all(&parent).map_err(|e| GenError::io(&parent, e))?;
    remove_stale(&parent, &format!(".{name}.hunt-gen-tmp-"));
    let stage = unique(&parent, &format!(".{name}.hunt-gen-tmp-"));
    std::fs::create_dir(&stage).map_err(|e| GenError::io(&stage, e))?;
    let result = generate_into(opts, &stage)
        .and_then(|report| write_marker(&stage, opts, &report).map(|()| report))
        .and_then(|report| commit(&stage, out, occupied).map(|()| report));
    // Whatever happened, the staging folder goes (after a commit it is empty).
    let _ = std::fs::remove_dir_all(&stage);
    result
}

/// Whether `out` exists with entries in it (an error when it is not a folder).
fn occupied(out: &Path) -> Result<bool, GenError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(GenError::io(out, e)),
    }
}

/// The parent folder and the last name of `out` (`.` when it has no parent).
fn split(out: &Path) -> Result<(PathBuf, String), GenError> {
    let abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| GenError::io(out, e))?
            .join(out)
    };
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .ok_or_else(|| GenError::InvalidOptions(format!("`{}` cannot be an output folder", out.display())))?;
    let parent = abs.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((parent, name))
}

/// A fresh name `root/<prefix><pid>-<n>-<nanos>`.
fn unique(root: &Path, prefix: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    root.join(format!(
        "{prefix}{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Whether the process that named a temporary `<prefix><pid>-…` entry may still run.
/// On Linux, `/proc/<pid>` tells; elsewhere, entries younger than a day are kept.
fn owner_alive(path: &Path, pid: Option<u32>) -> bool {
    if pid == Some(std::process::id()) {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return pid.is_some_and(|p| Path::new("/proc").join(p.to_string()).exists());
    }
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(86_400))
}

/// Removes the entries of `root` named `<prefix><pid>-…` whose process is gone.
pub(crate) fn remove_stale(root: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if !owner_alive(&e.path(), pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes the completion marker of the dataset in `dir` (temp name, then rename).
fn write_marker(dir: &Path, opts: &GenOptions, report: &GenReport) -> Result<(), GenError> {
    let mut tables = Vec::new();
    for t in &report.tables {
        let mut files = Vec::new();
        for n in 0..t.files {
            let rel = format!("{}/part-{n:05}.parquet", t.name);
            let path = dir.join(&rel);
            let len = std::fs::metadata(&path).map_err(|e| GenError::io(&path, e))?.len();
            files.push(json!({ "path": rel, "bytes": len }));
        }
        tables.push(json!({ "name": t.name, "rows": t.rows, "files": files }));
    }
    let marker = json!({
        "generator": format!("hunt-gen {}", env!("CARGO_PKG_VERSION")),
        "demo_version": DEMO_VERSION,
        "options": {
            "events": opts.events, "seed": opts.seed, "start": opts.start.to_rfc3339(),
            "days": opts.days, "max_rows_per_file": opts.max_rows_per_file,
            "row_group_rows": opts.row_group_rows,
        },
        "tables": tables,
    });
    let text = serde_json::to_string_pretty(&marker)
        .map_err(|e| GenError::Internal(format!("marker: {e}")))?;
    let tmp = dir.join(format!(".{COMPLETE_MARKER}.tmp"));
    std::fs::write(&tmp, text).map_err(|e| GenError::io(&tmp, e))?;
    sync(&tmp)?;
    let dst = dir.join(COMPLETE_MARKER);
    std::fs::rename(&tmp, &dst).map_err(|e| GenError::io(&dst, e))
}

/// Flushes a file to disk so a crash after the rename cannot leave it empty.
pub(crate) fn sync(path: &Path) -> Result<(), GenError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| GenError::io(path, e))
}

/// Moves the staged dataset into `out`.
fn commit(stage: &Path, out: &Path, occupied: bool) -> Result<(), GenError> {
    if !occupied && std::fs::rename(stage, out).is_ok() {
        // One atomic step: `out` did not exist or was an empty folder.
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(|e| GenError::io(out, e))?;
    // The old dataset is incomplete from here on: its marker goes first.
    let marker = out.join(COMPLETE_MARKER);
    match std::fs::remove_file(&marker) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(GenError::io(&marker, e)),
        _ => {}
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(stage)
        .map_err(|e| GenError::io(stage, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n != COMPLETE_MARKER))
        .collect();
    entries.sort();
    for src in entries {
        let Some(name) = src.file_name() else { continue };
        let dst = out.join(name);
        if dst.exists() {
            let old = unique(out, &format!(".{}.hunt-gen-old-", name.to_string_lossy()));
            std::fs::rename(&dst, &old).map_err(|e| GenError::io(&dst, e))?;
            std::fs::rename(&src, &dst).map_err(|e| GenError::io(&dst, e))?;
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&src, &dst).map_err(|e| GenError::io(&dst, e))?;
        }
    }
    let staged = stage.join(COMPLETE_MARKER);
    std::fs::rename(&staged, &marker).map_err(|e| GenError::io(&marker, e))
}

/// Checks a generated dataset: its completion marker is there and lists files that
/// all exist with the recorded sizes and readable Parquet footers.
pub fn check_dataset(dir: &Path) -> Result<(), GenError> {
    let marker = dir.join(COMPLETE_MARKER);
    let damaged = |why: String| GenError::Damaged {
        path: dir.to_path_buf(),
        why,
    };
    let text = std::fs::read_to_string(&marker)
        .map_err(|e| damaged(format!("no readable {COMPLETE_MARKER}: {e}")))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| damaged(format!("{COMPLETE_MARKER} is not valid JSON: {e}")))?;
    let tables = v["tables"].as_array().ok_or_else(|| damaged("marker lists no tables".into()))?;
    for t in tables {
        for f in t["files"].as_array().map_or(&[][..], Vec::as_slice) {
            let rel = f["path"].as_str().unwrap_or_default();
            let path = dir.join(rel);
            let len = std::fs::metadata(&path).map(|m| m.len()).map_err(|e| damaged(format!("{rel}: {e}")))?;
            if Some(len) != f["bytes"].as_u64() {
                return Err(damaged(format!("{rel} has {len} bytes, the marker says {}", f["bytes"])));
            }
            let file = File::open(&path).map_err(|e| damaged(format!("{rel}: {e}")))?;
            parquet::file::reader::SerializedFileReader::new(file)
                .map_err(|e| damaged(format!("{rel}: {e}")))?;
        }
    }
    Ok(())
}

/// Name of the demo dataset's cache directory (under `std::env::temp_dir()`).
pub fn demo_dir_name() -> String {
    format!("hunt-demo-v{DEMO_VERSION}-seed{}", GenOptions::default().seed)
}

/// Whether the demo cache is present and passes [`check_dataset`] (so [`demo_dir`]
/// returns at once).
pub fn demo_is_ready() -> bool {
    check_dataset(&std::env::temp_dir().join(demo_dir_name())).is_ok()
}

/// The built-in demo dataset ([`GenOptions::default`]), generated on first use and cached
/// in `std::env::temp_dir()/hunt-demo-v<DEMO_VERSION>-seed42`.
///
/// Concurrent callers (threads or processes) never see a half-written dataset; when two
/// race, the loser discards its copy and returns the winner's. A cache that fails
/// [`check_dataset`] is rebuilt.
pub fn demo_dir() -> Result<PathBuf, GenError> {
    cached_dataset(&std::env::temp_dir(), &demo_dir_name(), &GenOptions::default())
}

/// Returns `root/name` after making sure it holds a complete dataset of `opts`.
pub(crate) fn cached_dataset(root: &Path, name: &str, opts: &GenOptions) -> Result<PathBuf, GenError> {
    let dir = root.join(name);
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.damaged-");
    remove_stale(root, &tmp_prefix);
    remove_stale(root, &old_prefix);
    if check_dataset(&dir).is_ok() {
        return Ok(dir);
    }
    std::fs::create_dir_all(root).map_err(|e| GenError::io(root, e))?;
    let tmp = unique(root, &tmp_prefix);
    if let Err(e) = write_dataset(opts, &tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    loop {
        match std::fs::rename(&tmp, &dir) {
            Ok(()) => return Ok(dir),
            Err(e) => {
                if check_dataset(&dir).is_ok() {
                    // Another caller won the race: use its copy.
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Ok(dir);
                }
                if !dir.exists() {
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Err(GenError::io(&dir, e));
                }
                // A damaged cache is in the way: move it aside, drop it, and retry.
                let old = unique(root, &old_prefix);
                if std::fs::rename(&dir, &old).is_ok() {
                    let _ = std::fs::remove_dir_all(&old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> GenOptions {
        GenOptions {
            events: 2_000,
            ..GenOptions::default()
        }
    }

    #[test]
    fn concurrent_cache_fill_is_atomic() {
        let root = tempfile::tempdir().unwrap();
        let opts = small();
        let dirs: Vec<PathBuf> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..3)
                .map(|_| s.spawn(|| cached_dataset(root.path(), "cache", &opts)))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
        });
        assert!(dirs.iter().all(|d| d == &root.path().join("cache")));
        // Only the final directory remains; the losers' temporary copies are gone.
        let names: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["cache".to_string()]);
        check_dataset(&root.path().join("cache")).unwrap();
    }

    #[test]
    fn stale_temporary_folders_are_removed_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        // pid 0 never names a user process; our own pid is alive.
        let dead = root.path().join(".cache.tmp-0-0-1");
        let live = root.path().join(format!(".cache.tmp-{}-0-1", std::process::id()));
        let other = root.path().join("keep-me");
        for d in [&dead, &live, &other] {
            std::fs::create_dir_all(d.join("AlertInfo")).unwrap();
        }
        remove_stale(root.path(), ".cache.tmp-");
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn damaged_cache_is_rebuilt() {
        let root = tempfile::tempdir().unwrap();
        let dir = cached_dataset(root.path(), "cache", &small()).unwrap();
        let victim = dir.join("AlertInfo").join("part-00000.parquet");
        let good = std::fs::read(&victim).unwrap();
        // Truncated file: the size no longer matches the marker.
        std::fs::write(&victim, &good[..good.len() / 2]).unwrap();
        assert!(check_dataset(&dir).is_err());
        cached_dataset(root.path(), "cache", &small()).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), good);
        // Same size, corrupt footer.
        let mut bad = good.clone();
        let n = bad.len();
        bad[n - 12..n - 4].fill(0xFF);
        std::fs::write(&victim, &bad).unwrap();
        assert!(check_dataset(&dir).is_err());
        cached_dataset(root.path(), "cache", &small()).unwrap();
        check_dataset(&dir).unwrap();
        // No marker at all (an interrupted copy by hand, say).
        std::fs::remove_file(dir.join(COMPLETE_MARKER)).unwrap();
        assert!(check_dataset(&dir).is_err());
        cached_dataset(root.path(), "cache", &small()).unwrap();
        check_dataset(&dir).unwrap();
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "cache")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
