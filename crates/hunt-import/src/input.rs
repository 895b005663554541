//! Opening inputs: folders walked in name order, gzip recognised by its magic bytes, the
//! compressed bytes counted for progress, and the lines of the decompressed text counted so
//! a bad record can be named by file and line.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::ImportError;

/// The files under `inputs` (a folder contributes every file below it, hidden ones
/// excepted), in the order given, each folder's files sorted by path.
pub fn list_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| ImportError::io(input, e))?;
        if meta.is_dir() {
            walk(input, &mut out)?;
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| ImportError::io(dir, e))?
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| ImportError::io(dir, e))?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// The file's name without `.gz` and its format extension: `x.json.gz` → `x`.
pub fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => name.to_owned(),
    }
}

/// Counts the bytes read from the file on disk (before decompression), for progress.
struct CountBytes<R> {
    inner: R,
    done: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountBytes<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done.set(self.done.get() + n as u64);
        Ok(n)
    }
}

/// Opens `path` for reading its text, decompressing gzip (recognised by its first two
/// bytes, whatever the name). `done` counts the bytes read from disk.
pub fn open_text(path: &Path, done: Rc<Cell<u64>>) -> Result<Box<dyn BufRead>, ImportError> {
    let file = File::open(path).map_err(|e| ImportError::io(path, e))?;
    let mut raw = BufReader::with_capacity(1 << 16, CountBytes { inner: file, done });
    let head = raw.fill_buf().map_err(|e| ImportError::io(path, e))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        // A multi-member decoder: `cat a.gz b.gz` and blob appends are several members.
        let gz = flate2::bufread::MultiGzDecoder::new(raw);
        Ok(Box::new(BufReader::with_capacity(1 << 16, gz)))
    } else {
        Ok(Box::new(raw))
    }
}

/// A reader that knows the line of the next byte it hands out, and, when asked, the line of
/// the next byte that starts a JSON value (skipping whitespace, `,`, `:` and `[`).
///
/// serde_json reads a `Read` one byte at a time through `Bytes`, peeking at most one byte
/// ahead, so the counts here track the parser's position to within that byte.
pub struct LineCounter<R> {
    inner: R,
    state: Rc<LineState>,
}

/// The shared position of a [`LineCounter`].
#[derive(Debug, Default)]
pub struct LineState {
    /// Newlines handed out so far.
    newlines: Cell<u64>,
    /// Set by [`LineState::mark_next_value`]; cleared when the value's first byte passes.
    awaiting: Cell<bool>,
    /// The 1-based line of the last value start seen after a mark.
    value_line: Cell<u64>,
}

impl LineState {
    /// The 1-based line of the next byte.
    pub fn line(&self) -> u64 {
        self.newlines.get() + 1
    }
    /// Asks for the line of the next value's first byte ([`LineState::value_line`]).
    pub fn mark_next_value(&self) {
        self.awaiting.set(true);
        self.value_line.set(self.line());
    }
    /// Whether a value's first byte has passed since the last mark.
    pub fn value_started(&self) -> bool {
        !self.awaiting.get()
    }
    /// The line of the value start asked for by the last mark.
    pub fn value_line(&self) -> u64 {
        self.value_line.get()
    }
}

impl<R: Read> LineCounter<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> (LineCounter<R>, Rc<LineState>) {
        let state = Rc::new(LineState::default());
        (
            LineCounter {
                inner,
                state: state.clone(),
            },
            state,
        )
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let s = &self.state;
        for &b in &buf[..n] {
            if s.awaiting.get() && !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' | b'[') {
                s.awaiting.set(false);
                s.value_line.set(s.line());
            }
            if b == b'\n' {
                s.newlines.set(s.newlines.get() + 1);
            }
        }
        Ok(n)
    }
}

/// The formats an input can be in, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// JSON: one document (Event Hub batch, Graph or legacy API response, array of
    /// records) or several (JSON lines, storage-blob records).
    Json,
    /// CSV with a header row (the portal's export, or any CSV).
    Csv,
}

/// Tells JSON from CSV by the first non-blank byte, after consuming a UTF-8 byte-order
/// mark (nothing else is consumed, so line numbers stay true). `None` for an empty input.
pub fn sniff(reader: &mut dyn BufRead, path: &Path) -> Result<Option<Shape>, ImportError> {
    let buf = reader.fill_buf().map_err(|e| ImportError::io(path, e))?;
    if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    let buf = reader.fill_buf().map_err(|e| ImportError::io(path, e))?;
    Ok(match buf.iter().find(|b| !b.is_ascii_whitespace()) {
        _ if buf.is_empty() => None,
        Some(b'{' | b'[') | None => Some(Shape::Json),
        Some(_) => Some(Shape::Csv),
    })
}
