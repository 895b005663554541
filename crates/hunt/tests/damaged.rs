//! Damaged Parquet files give a clean error naming the file, never a panic and never
//! altered rows: corrupt footer bytes, corrupt page bytes in a file without checksums, and
//! a flipped byte in a page whose CRC-32 checksum the scan verifies.
//!
//! `tests/data/checksummed.parquet` is written by pyarrow (see `make_checksummed.py` next
//! to it), since the Rust writer writes no page checksums.

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use hunt::Engine;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CHECKSUMMED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/checksummed.parquet"
);

/// Writes table `T` (`N` long, `S` string, 300 rows, row groups of 100) without checksums.
fn write_plain(path: &Path) -> TestResult {
    let n: Vec<i64> = (0..300).collect();
    let s: StringArray = n.iter().map(|i| Some(format!("name-{i:03}"))).collect();
    let batch = RecordBatch::try_from_iter(vec![
        ("N", Arc::new(Int64Array::from(n)) as ArrayRef),
        ("S", Arc::new(s) as ArrayRef),
    ])?;
    let props = WriterProperties::builder()
        .set_max_row_group_size(100)
        .set_dictionary_enabled(false)
        .build();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path)?, batch.schema(), Some(props))?;
    w.write(&batch)?;
    w.close()?;
    Ok(())
}

/// Runs `query` over the tables of `dir` on a fresh engine.
fn run(dir: &Path, query: &str) -> Result<usize, String> {
    let engine = Engine::open_dir(dir).map_err(|e| e.to_string())?;
    engine
        .query(query)
        .map(|r| r.num_rows())
        .map_err(|e| e.diagnostic().message)
}

/// The error must name the file and not blame hunt.
fn assert_clean(err: &str, file: &Path) {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    assert!(err.contains(name), "the error does not name {name}: {err}");
    assert!(
        !err.contains("bug in hunt"),
        "a damaged file reported as a bug: {err}"
    );
}

fn copy_checksummed(dir: &Path) -> Result<(PathBuf, Vec<u8>), std::io::Error> {
    let path = dir.join("Checked.parquet");
    let bytes = std::fs::read(CHECKSUMMED)?;
    Ok((path, bytes))
}

#[test]
fn checksummed_file_reads_whole() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (path, bytes) = copy_checksummed(dir.path())?;
    std::fs::write(&path, &bytes)?;
    assert_eq!(
        run(dir.path(), "Checked | where S startswith 'value-'"),
        Ok(200)
    );
    Ok(())
}

#[test]
fn flipped_byte_in_a_checksummed_page_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (path, mut bytes) = copy_checksummed(dir.path())?;
    let at = bytes
        .windows(9)
        .position(|w| w == b"value-123")
        .ok_or("fixture lacks value-123")?;
    bytes[at + 8] = b'X';
    std::fs::write(&path, &bytes)?;
    let err = run(
        dir.path(),
        "Checked | where S == 'value-12X' or S == 'value-123'",
    )
    .err()
    .ok_or("a flipped byte returned rows")?;
    assert_clean(&err, &path);
    assert!(err.contains("damaged"), "{err}");
    assert!(err.contains("column `S`"), "{err}");
    assert!(err.contains("row group 0"), "{err}");
    assert!(err.to_lowercase().contains("checksum"), "{err}");
    // The other column's pages are intact: reading only it works.
    assert_eq!(
        run(dir.path(), "Checked | project N | where N >= 0"),
        Ok(200)
    );
    Ok(())
}

#[test]
fn corrupt_page_header_without_checksums_names_the_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("T.parquet");
    write_plain(&path)?;
    let (start, _) = SerializedFileReader::new(std::fs::File::open(&path)?)?
        .metadata()
        .row_group(1)
        .column(1)
        .byte_range();
    let bytes = std::fs::read(&path)?;
    for fill in [0xFF_u8, 0x00, 0x15] {
        let mut bad = bytes.clone();
        let at = usize::try_from(start)?;
        bad[at..at + 12].fill(fill);
        std::fs::write(&path, &bad)?;
        let err = run(dir.path(), "T | where S != 'x' | count")
            .err()
            .ok_or("a corrupt page header gave an answer")?;
        assert_clean(&err, &path);
        assert!(err.contains("row group 1, column `S`"), "{err}");
    }
    Ok(())
}

/// Every byte of the footer set to a few values: each query either answers or fails with
/// an error naming the file; none panics.
#[test]
fn corrupt_footer_bytes_never_panic() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("T.parquet");
    write_plain(&path)?;
    let bytes = std::fs::read(&path)?;
    let n = bytes.len();
    let footer_len = u32::from_le_bytes(bytes[n - 8..n - 4].try_into()?) as usize;
    let footer = n - 8 - footer_len..n - 4;
    let mut errors = 0;
    for at in footer {
        for value in [0xFF, bytes[at] ^ 0x01] {
            if value == bytes[at] {
                continue;
            }
            let mut bad = bytes.clone();
            bad[at] = value;
            std::fs::write(&path, &bad)?;
            if let Err(err) = run(dir.path(), "T | summarize count(), max(N), make_set(S, 3)") {
                assert_clean(&err, &path);
                errors += 1;
            }
        }
    }
    assert!(errors > 0, "no mutation of the footer was noticed");
    Ok(())
}

/// A parquet fuzz find: one byte of the footer (the fixture's byte 4420) turned into 43
/// makes row group 0 state -22 rows; read as unsigned that is billions of rows, and
/// `T | count` (which decodes no column) iterated them for ever. The footer's row counts
/// are checked against each other and against the column chunks before any is trusted.
#[test]
fn a_footer_stating_impossible_row_counts_is_damaged() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (path, mut bytes) = copy_checksummed(dir.path())?;
    if bytes.len() != 4735 {
        return Err(format!("fixture changed: {} bytes", bytes.len()).into());
    }
    bytes[4420] = 43;
    std::fs::write(&path, &bytes)?;
    let err = run(dir.path(), "Checked | count").expect_err("damaged footer");
    assert_clean(&err, &path);
    assert!(err.contains("footer"), "{err}");
    Ok(())
}

/// `tests/data/damaged-offsets.parquet`: the file of the `parquet` fuzz target (600 rows,
/// row groups of 200, pages of 50 rows, dictionary and plain string pages) with the byte
/// edits of a fuzz finding. In a release build the decoder gave a string column whose
/// offsets pointed past its data, and `has` read outside it (a crash); a debug build's
/// decoder panics on it instead. Either way the scan now names the file.
#[test]
fn string_offsets_past_their_data_are_a_damaged_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("T.parquet");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/damaged-offsets.parquet"
        ),
        &file,
    )?;
    let q = "T | where S has 'name-1' | summarize max(N), make_set(S, 5)";
    match run(dir.path(), q) {
        Ok(rows) => panic!("a damaged file gave {rows} rows"),
        Err(e) => assert_clean(&e, &file),
    }
    Ok(())
}
