//! Reading a row group's column chunks with a few large reads before decoding.
//!
//! Over a plain `File`, the Parquet reader reads page by page (a seek and one or two reads
//! per page header and body): about forty system calls per column chunk. A unit instead
//! reads the byte ranges of the chunks it will decode up front, adjacent ranges coalesced
//! into one read, and the decoder reads from memory. Memory grows by the compressed size
//! of the unit's chunks, which is smaller than what decoding them produces.

use ::parquet::errors::ParquetError;
use ::parquet::file::metadata::RowGroupMetaData;
use ::parquet::file::reader::{ChunkReader, Length};
use bytes::{Buf, Bytes};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;

/// Gaps up to this size between two wanted ranges are read too, to make one read of two.
const MAX_GAP: u64 = 64 * 1024;

/// A file with some byte ranges already in memory.
pub(crate) struct Prefetched {
    file: File,
    len: u64,
    /// Disjoint `(start, bytes)` parts, sorted by start.
    parts: Vec<(u64, Bytes)>,
}

impl Prefetched {
    /// Reads the chunks of row group `rg` whose leaf columns `wanted` says to decode.
    pub(crate) fn read(
        file: File,
        rg: &RowGroupMetaData,
        wanted: &dyn Fn(usize) -> bool,
    ) -> std::io::Result<Prefetched> {
        let len = file.metadata()?.len();
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        for (_, c) in rg.columns().iter().enumerate().filter(|(i, _)| wanted(*i)) {
            let (start, n) = c.byte_range();
            let end = start.saturating_add(n);
            // A damaged footer can place a chunk past the end of the file.
            if end > len {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "the footer places column `{}` at bytes {start}..{end}, past the end of the file ({len} bytes)",
                        c.column_path().string()
                    ),
                ));
            }
            ranges.push((start, end));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (s, e) in ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1.saturating_add(MAX_GAP) => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut parts = Vec::with_capacity(merged.len());
        for (s, e) in merged {
            // Read into spare capacity: no zero-filling of buffers about to be overwritten.
            let len = e - s;
            let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            let mut f = &file;
            f.seek(SeekFrom::Start(s))?;
            f.take(len).read_to_end(&mut buf)?;
            if (buf.len() as u64) < len {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            parts.push((s, Bytes::from(buf)));
        }
        Ok(Prefetched { file, len, parts })
    }

    /// The file with nothing prefetched: every read goes to the file.
    pub(crate) fn lazy(file: File) -> std::io::Result<Prefetched> {
        let len = file.metadata()?.len();
        Ok(Prefetched {
            file,
            len,
            parts: Vec::new(),
        })
    }

    /// The prefetched bytes from `start` to the end of its part, if `start` is in one.
    fn from(&self, start: u64) -> Option<Bytes> {
        let i = self
            .parts
            .partition_point(|(s, _)| *s <= start)
            .checked_sub(1)?;
        let (s, bytes) = &self.parts[i];
        let off = usize::try_from(start - s).ok()?;
        (off < bytes.len()).then(|| bytes.slice(off..))
    }
}

impl Length for Prefetched {
    fn len(&self) -> u64 {
        self.len
    }
}

/// A reader over prefetched bytes, or over the file for a range that was not prefetched.
pub(crate) enum PartReader {
    Memory(bytes::buf::Reader<Bytes>),
    File(BufReader<File>),
}

impl Read for PartReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            PartReader::Memory(r) => r.read(buf),
            PartReader::File(r) => r.read(buf),
        }
    }
}

impl ChunkReader for Prefetched {
    type T = PartReader;

    fn get_read(&self, start: u64) -> ::parquet::errors::Result<PartReader> {
        if let Some(b) = self.from(start) {
            return Ok(PartReader::Memory(b.reader()));
        }
        let mut f = self.file.try_clone()?;
        f.seek(SeekFrom::Start(start))?;
        Ok(PartReader::File(BufReader::new(f)))
    }

    fn get_bytes(&self, start: u64, length: usize) -> ::parquet::errors::Result<Bytes> {
        if let Some(b) = self.from(start).filter(|b| b.len() >= length) {
            return Ok(b.slice(..length));
        }
        let mut buf = vec![0u8; length];
        self.file
            .read_exact_at(&mut buf, start)
            .map_err(|e| ParquetError::External(Box::new(e)))?;
        Ok(Bytes::from(buf))
    }
}
