"""The data-shape matrix: the same logical rows as hunt gen's, written as other tools write them.

hunt gen writes snappy Parquet with at most 500k rows per file, 131,072-row row groups,
`Timestamp(ns, "UTC")`, dictionary-encoded strings and the Arrow schema in the footer. Other
writers differ, and an engine tuned to one layout can be slow or wrong on another. Each shape
rewrites every table of the generated data with pyarrow, changing one thing (or, for
`heldout`, the combination the held-out benchmark of issue 12 used):

| shape | what differs from `default` |
| --- | --- |
| default | nothing: hunt gen's own files |
| rows-2m | 2,000,000-row files (pyarrow's default 1Mi-row row groups) |
| rows-100k | 100,000-row files, one row group each |
| ts-us-utc | every timestamp in microseconds, `UTC` (sub-microsecond ticks truncated) |
| ts-us-naive | every timestamp in microseconds, without a zone |
| ts-ns-naive | every timestamp in nanoseconds, without a zone |
| strings-plain | no dictionary encoding anywhere (PLAIN strings) |
| strings-dict | string columns as Arrow `dictionary<int32, string>` (stored so in the Arrow schema), dictionary-encoded |
| no-arrow-schema | no Arrow schema blob (`store_schema=False`), as non-Arrow writers write |
| nulls-mixed | 100k-row files, each declaring a column `required` when that file has no null in it and `optional` otherwise; the rows are partitioned on one nullable column (see `source_batches`) so that it has nulls in some files and none in others |
| heldout | 2M-row files, microsecond UTC timestamps, no Arrow schema blob, pyarrow's defaults otherwise |

`ensure_shape(base, shape)` writes `base` + `-` + shape next to the base directory once
(a `.complete` marker, written last, makes it reusable), table by table, file by file, into a
temporary directory renamed at the end; rows keep their order, so the tables stay sorted by
`Timestamp`. Timestamps become microseconds by truncation, which every engine then reads
alike; run.py compares results at microsecond precision anyway.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

SHAPES: dict[str, dict] = {
    "default": {},
    "rows-2m": {"rows_per_file": 2_000_000, "row_group_size": None},
    "rows-100k": {"rows_per_file": 100_000, "row_group_size": None},
    "ts-us-utc": {"ts_unit": "us", "tz": "UTC"},
    "ts-us-naive": {"ts_unit": "us", "tz": None},
    "ts-ns-naive": {"ts_unit": "ns", "tz": None},
    "strings-plain": {"dictionary": False},
    "strings-dict": {"arrow_dictionary": True},
    "no-arrow-schema": {"store_schema": False},
    "nulls-mixed": {"rows_per_file": 100_000, "required_when_no_nulls": True},
    "heldout": {"rows_per_file": 2_000_000, "row_group_size": None, "ts_unit": "us", "tz": "UTC",
                "store_schema": False},
}

# What hunt gen does, kept unless a shape says otherwise.
DEFAULTS = {
    "rows_per_file": 500_000,
    "row_group_size": 131_072,
    "ts_unit": None,  # keep
    "tz": "keep",
    "dictionary": True,
    "arrow_dictionary": False,
    "store_schema": True,
    "required_when_no_nulls": False,
}


def shape_dir(base: Path, shape: str) -> Path:
    return base if shape == "default" else base.parent / f"{base.name}-{shape}"


def ensure_shape(base: Path, shape: str) -> Path:
    """The directory holding `base`'s tables written as `shape`, written once."""
    if shape not in SHAPES:
        raise SystemExit(f"unknown shape {shape!r}; shapes: {', '.join(SHAPES)}")
    out = shape_dir(base, shape)
    if shape == "default" or (out / ".complete").exists():
        return out
    import sys

    opts = {**DEFAULTS, **SHAPES[shape]}
    tmp = out.parent / f".{out.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    print(f"writing shape {shape} into {out}", file=sys.stderr)
    for table_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        files = sorted(table_dir.glob("*.parquet"))
        if files:
            write_table(files, tmp / table_dir.name, opts)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    (out / ".complete").write_text(f"{shape} of {base.name}: {SHAPES[shape]}\n")
    print(f"wrote {shape} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return out


def convert_schema(schema, opts):
    import pyarrow as pa

    fields = []
    for f in schema:
        t = f.type
        if pa.types.is_timestamp(t):
            unit = opts["ts_unit"] or t.unit
            tz = t.tz if opts["tz"] == "keep" else opts["tz"]
            t = pa.timestamp(unit, tz=tz)
        elif opts["arrow_dictionary"] and (pa.types.is_string(t) or pa.types.is_large_string(t)):
            t = pa.dictionary(pa.int32(), pa.string())
        fields.append(pa.field(f.name, t, nullable=True))
    return pa.schema(fields)


def convert_batch(batch, schema):
    """Casts one batch to `schema` (timestamps truncated to the target unit)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col, f in zip(batch.columns, schema):
        if col.type != f.type:
            if pa.types.is_timestamp(f.type) and pa.types.is_timestamp(col.type):
                # Same instants (UTC) whatever the zone; only the unit may drop precision.
                col = pc.cast(col, pa.timestamp(col.type.unit, tz=f.type.tz), safe=False)
                col = pc.cast(col, f.type, safe=False)
            else:
                col = pc.cast(col, f.type)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def write_table(files: list[Path], out: Path, opts: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True)
    schema = convert_schema(pq.read_schema(files[0]), opts)
    pending: list = []
    pending_rows = 0
    part = 0

    def flush(batches: list) -> None:
        nonlocal part
        table = pa.Table.from_batches(batches, schema=schema)
        file_schema = schema
        if opts["required_when_no_nulls"]:
            file_schema = pa.schema(
                [f.with_nullable(table.column(i).null_count > 0) for i, f in enumerate(schema)]
            )
            table = table.cast(file_schema)
        kwargs = {
            "compression": "snappy",
            "use_dictionary": opts["dictionary"],
            "store_schema": opts["store_schema"],
        }
        pq.write_table(
            table,
            out / f"part-{part:05d}.parquet",
            row_group_size=opts["row_group_size"] or 1024 * 1024,
            **kwargs,
        )
        part += 1

    per_file = opts["rows_per_file"]
    for batch in source_batches(files, opts):
        batch = convert_batch(batch, schema)
        while batch.num_rows:
            take = min(batch.num_rows, per_file - pending_rows)
            pending.append(batch.slice(0, take))
            pending_rows += take
            batch = batch.slice(take)
            if pending_rows == per_file:
                flush(pending)
                pending, pending_rows = [], 0
    if pending_rows:
        flush(pending)


def source_batches(files: list[Path], opts: dict):
    """The table's rows in batches: in file order, or, for `nulls-mixed`, partitioned.

    For `nulls-mixed` the rows are stably partitioned on the nullable column whose null
    share is nearest one half: its non-null rows first, then its null rows. The files cut
    from the first part have no null in that column (and declare it `required`), those from
    the second only nulls, whatever the writer of the data did. The same rows, in another
    order: every query of the suite is order-independent or orders on unique keys.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not opts["required_when_no_nulls"]:
        for f in files:
            yield from pq.ParquetFile(f).iter_batches(batch_size=50_000)
        return
    table = pa.concat_tables([pq.read_table(f) for f in files])
    n = table.num_rows
    shares = [(abs(c.null_count / n - 0.5), name) for name, c in zip(table.column_names, table.columns)
              if n and 0 < c.null_count < n]
    if shares:
        _, name = min(shares)
        nulls = pc.is_null(table.column(name))
        table = pa.concat_tables([table.filter(pc.invert(nulls)), table.filter(nulls)])
    yield from table.to_batches(max_chunksize=50_000)
