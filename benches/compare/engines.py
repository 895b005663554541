"""The peer engines: how each one runs one query of queries.py, inside a worker process.

run.py starts `run.py --worker ENGINE --data DIR --query NAME --threads T` once per engine,
query and run; the worker calls `run(engine, ...)` here and prints {seconds, rows} (or
{unsupported}) as JSON. Timing starts when the query is submitted and stops when every result
row is a Python object; interpreter start-up and `import` are left out (run.py's docstring).

- DuckDB runs `Query.sql` over `read_parquet('DIR/Table/*.parquet')`, TimeZone UTC.
- Polars runs the query's lazy `polars` function over `pl.scan_parquet`.
- DataFusion runs `Query.datafusion_sql` if set, else `Query.sql` rewritten by
  `datafusion_sql` (DuckDB spellings DataFusion lacks), over tables registered as Parquet
  directories, with identifier normalisation off (the columns are CamelCase).
- chDB runs the KQL text itself in ClickHouse's experimental Kusto dialect, over one view per
  table. `now()` and `ago()` are bound to run.py's fixed now (hunt's `--now`) by text
  substitution, the only change made to the KQL. What chDB cannot parse or run is reported as
  unsupported, never as a failure of the run.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

PEERS = ("duckdb", "polars", "datafusion", "chdb")

# `ago(7d)` etc. in hunt is relative to run.py's NOW; chDB must see the same instant.
CHDB_NOW = "datetime(2025-07-01T00:00:00Z)"


class Unsupported(Exception):
    """The engine cannot express or run this query (recorded, not an error of the run)."""


def tables_in(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir() if p.is_dir() and any(p.glob("*.parquet")))


def render_sql(sql: str, data: Path, tables: list[str], style: str) -> str:
    """`{Table}` placeholders → DuckDB's read_parquet(...) or a registered table name."""
    for t in tables:
        # DataFusion's register_parquet stores the name lower-cased whatever the settings.
        target = f"read_parquet('{data / t}/*.parquet')" if style == "duckdb" else f'"{t.lower()}"'
        sql = sql.replace("{" + t + "}", target)
    return sql


# DuckDB spellings → DataFusion spellings, for every query (a per-query `datafusion_sql`
# override handles the rest).
_DF_REWRITES = [
    (re.compile(r"\bregexp_matches\("), "regexp_like("),
    (re.compile(r"TIMESTAMPTZ '(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\+00'"), r"TIMESTAMP '\1T\2Z'"),
]


def datafusion_sql(sql: str) -> str:
    for pat, rep in _DF_REWRITES:
        sql = pat.sub(rep, sql)
    return sql


_TZ_LITERAL = re.compile(r"TIMESTAMPTZ '(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\+00'")
_UTC_LITERAL = re.compile(r"TIMESTAMP '(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)Z'")


def naive_sql(sql: str) -> str:
    """UTC literals as zone-less ones, for data whose timestamps have no zone (shapes.py).

    The instants are the same (a zone-less timestamp is read as UTC everywhere here), but
    DuckDB cannot compare TIMESTAMP_NS with TIMESTAMPTZ, nor DataFusion mix the two.
    """
    sql = _TZ_LITERAL.sub(r"TIMESTAMP '\1 \2'", sql)
    return _UTC_LITERAL.sub(r"TIMESTAMP '\1T\2'", sql)


def chdb_kql(kql: str) -> str:
    kql = re.sub(r"\bnow\(\)", CHDB_NOW, kql)
    return re.sub(r"\bago\(([^()]*)\)", lambda m: f"({CHDB_NOW} - {m.group(1)})", kql)


def run(engine: str, q, data: Path, threads: int, queries) -> tuple[float, list]:
    """Runs query `q` on `engine`; returns (seconds, rows as lists of Python values)."""
    tables = tables_in(data)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET threads = {threads}")
        # Timestamps are TIMESTAMP WITH TIME ZONE (Parquet isAdjustedToUTC); date_trunc and
        # friends must work in UTC like KQL's bin().
        con.execute("SET TimeZone = 'UTC'")
        sql = render_sql(q.sql, data, tables, "duckdb")
        if queries.TIME_ZONE is None:
            sql = naive_sql(sql)
        t0 = time.perf_counter()
        rows = con.execute(sql).fetchall()
        return time.perf_counter() - t0, rows
    if engine == "polars":
        import polars as pl

        def scan(table: str):
            lf = pl.scan_parquet(str(data / table / "*.parquet"))
            # Dictionary-typed strings (the strings-dict shape) arrive as Categorical, which
            # Polars' string functions refuse: read them as strings, as hunt and SQL do.
            return lf.with_columns(pl.col(pl.Categorical).cast(pl.String))

        t0 = time.perf_counter()
        rows = q.polars(scan, pl).collect().rows()
        return time.perf_counter() - t0, rows
    if engine == "datafusion":
        from datafusion import SessionConfig, SessionContext

        cfg = (
            SessionConfig()
            .with_target_partitions(threads)
            .set("datafusion.sql_parser.enable_ident_normalization", "false")
            .set("datafusion.execution.time_zone", "+00:00")
        )
        if q.datafusion_sql and q.datafusion_sql.startswith("UNSUPPORTED"):
            raise Unsupported(q.datafusion_sql.split(":", 1)[1].strip())
        ctx = SessionContext(cfg)
        for t in tables:
            ctx.register_parquet(t.lower(), str(data / t))
        sql = render_sql(q.datafusion_sql or datafusion_sql(q.sql), data, tables, "datafusion")
        if queries.TIME_ZONE is None:
            sql = naive_sql(sql)
        t0 = time.perf_counter()
        table = ctx.sql(sql).to_arrow_table()
        rows = [list(r.values()) for r in table.to_pylist()]
        return time.perf_counter() - t0, rows
    if engine == "chdb":
        from chdb import session

        if q.chdb is False:
            raise Unsupported("marked unsupported in queries.py")
        s = session.Session()
        for t in tables:
            s.query(f"CREATE VIEW `{t}` AS SELECT * FROM file('{data / t}/*.parquet', Parquet)")
        s.query(f"SET max_threads = {threads}")
        s.query("SET session_timezone = 'UTC'")
        s.query("SET allow_experimental_kusto_dialect = 1")
        s.query("SET dialect = 'kusto'")
        kql = chdb_kql(q.kql)
        t0 = time.perf_counter()
        try:
            table = s.query(kql, "ArrowTable")
        except Exception as e:  # chDB raises a bare RuntimeError for parse and run errors
            raise Unsupported(str(e).strip().splitlines()[0][:300]) from None
        rows = [list(r.values()) for r in table.to_pylist()]
        return time.perf_counter() - t0, rows
    raise SystemExit(f"unknown worker engine {engine}")


def worker_main(engine: str, data: Path, name: str, threads: int, here: Path, normalize) -> dict:
    if engine == "polars":
        # Must be set before polars is imported: it sizes its thread pool at import.
        os.environ["POLARS_MAX_THREADS"] = str(threads)
    sys.path.insert(0, str(here))
    import queries

    queries.configure_for(data)
    q = queries.by_name(name)
    try:
        seconds, rows = run(engine, q, data, threads, queries)
    except Unsupported as e:
        return {"unsupported": str(e)}
    return {"seconds": seconds, "rows": [[normalize(v) for v in r] for r in rows]}
