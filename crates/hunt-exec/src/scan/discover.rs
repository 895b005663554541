//! Finding a data directory's tables: each folder `DIR/<Table>` holding `**/*.parquet`
//! (nested partition folders allowed) and each file `DIR/<Table>.parquet`.
//!
//! The file system cannot fool the listing. Symbolic links are followed (a table folder
//! may live on another disk), but:
//! - a file is listed once per table however many links lead to it (identified by device
//!   and inode), so no row is counted twice;
//! - a link to a folder already being walked (a cycle, such as a link to `.` or `..`) or
//!   to a folder above the table's own (the data folder or a parent of it) is not
//!   followed, so a table never reads itself again or another table's files through a
//!   parent;
//! - only regular files are read (a FIFO named `x.parquet` would block forever).
//!
//! A table folder that cannot be listed does not fail the discovery: the table is
//! registered with that error, which only the queries naming it report.

use super::table::TableSet;
use crate::error::{ExecError, Result};
use std::collections::{BTreeMap, HashSet};
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A file or folder's identity, whatever path leads to it.
type Identity = (u64, u64);

fn identity(m: &Metadata) -> Identity {
    (m.dev(), m.ino())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExecError + '_ {
    move |source| ExecError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Hidden and bookkeeping entries (`.x`, `_SUCCESS`, `_delta_log`) are not data.
fn skipped(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.') || n.starts_with('_') || n == "externaldata")
}

/// The entries of `dir`, sorted by path.
fn entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

/// The walk of one table's folder.
struct Walk {
    /// Folders above and at the table folder (the data folder's ancestors included): a
    /// link to any of them leaves the table.
    above: HashSet<Identity>,
    /// Folders on the path from the table folder to the one being listed (cycles).
    open: Vec<Identity>,
    /// Files listed so far.
    seen: HashSet<Identity>,
    files: Vec<PathBuf>,
}

impl Walk {
    fn folder(&mut self, dir: &Path) -> std::result::Result<(), (PathBuf, std::io::Error)> {
        for p in entries(dir).map_err(|e| (dir.to_path_buf(), e))? {
            if skipped(&p) {
                continue;
            }
            // `metadata` follows links; a dangling or looping link is an error of this
            // table (a file it should hold cannot be read).
            let meta = std::fs::metadata(&p).map_err(|e| (p.clone(), e))?;
            let id = identity(&meta);
            if meta.is_dir() {
                if self.open.contains(&id) || self.above.contains(&id) {
                    continue;
                }
                self.open.push(id);
                let r = self.folder(&p);
                self.open.pop();
                r?;
            } else if meta.is_file()
                && p.extension().is_some_and(|x| x == "parquet")
                && self.seen.insert(id)
            {
                self.files.push(p);
            }
        }
        Ok(())
    }
}

/// The identities of `dir` and every folder above it.
fn ancestors(dir: &Path) -> HashSet<Identity> {
    let mut out = HashSet::new();
    let Ok(canonical) = std::fs::canonicalize(dir) else {
        return out;
    };
    for a in canonical.ancestors() {
        if let Ok(m) = std::fs::metadata(a) {
            out.insert(identity(&m));
        }
    }
    out
}

/// Finds the tables of a data directory. Their files' footers are read when a query
/// first names the table.
pub fn discover(dir: &Path) -> Result<TableSet> {
    let meta = std::fs::metadata(dir).map_err(io(dir))?;
    if !meta.is_dir() {
        return Err(ExecError::Schema {
            message: format!("{} is not a directory", dir.display()),
        });
    }
    let data_above = ancestors(dir);
    let mut found: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut set = TableSet::new();
    // `DIR/externaldata/` holds the local copies of `externaldata` URLs, not a table.
    let ext = dir.join("externaldata");
    set.set_externaldata_dir(ext.is_dir().then_some(ext));
    let mut unlisted = Vec::new();
    for p in entries(dir).map_err(io(dir))? {
        if skipped(&p) {
            continue;
        }
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            // A dangling link or an entry that cannot be read: a table only if it looks
            // like one, and then only its queries fail.
            Err(e) => {
                if p.extension().is_some_and(|x| x == "parquet") || p.extension().is_none() {
                    unlisted.push((stem, p.clone(), e));
                }
                continue;
            }
        };
        if meta.is_dir() {
            let id = identity(&meta);
            if data_above.contains(&id) {
                // A link to the data folder or above it is no table.
                continue;
            }
            let mut walk = Walk {
                above: data_above.clone(),
                open: vec![id],
                seen: HashSet::new(),
                files: Vec::new(),
            };
            match walk.folder(&p) {
                Ok(()) if !walk.files.is_empty() => {
                    found.entry(stem).or_default().extend(walk.files);
                }
                Ok(()) => {}
                Err((path, e)) => unlisted.push((stem, path, e)),
            }
        } else if meta.is_file() && p.extension().is_some_and(|x| x == "parquet") {
            found.entry(stem).or_default().push(p);
        }
    }
    for (name, mut files) in found {
        // `T.parquet` and `T/` both present: one table; a file reached both ways once.
        let mut seen = HashSet::new();
        files.retain(|f| std::fs::metadata(f).is_ok_and(|m| seen.insert(identity(&m))));
        set.register_lazy(&name, files);
    }
    for (name, path, e) in unlisted {
        set.register_unlisted(&name, path, &e);
    }
    Ok(set)
}
