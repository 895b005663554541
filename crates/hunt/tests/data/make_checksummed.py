"""Writes checksummed.parquet, the fixture of tests/damaged.rs: a Parquet file whose pages
carry CRC-32 checksums (Rust's parquet writer writes none; pyarrow does on request).

Run once with pyarrow installed: `python3 make_checksummed.py`. Columns: `N` (long,
0..199), `S` (string, `value-000`..`value-199`), plain encoding, no compression, so a
flipped byte in a page changes a value unless the checksum is verified.
"""

import pyarrow as pa
import pyarrow.parquet as pq

table = pa.table(
    {
        "N": pa.array(range(200), type=pa.int64()),
        "S": pa.array([f"value-{i:03}" for i in range(200)], type=pa.string()),
    }
)
pq.write_table(
    table,
    "checksummed.parquet",
    compression="none",
    use_dictionary=False,
    write_statistics=False,
    write_page_checksum=True,
)
