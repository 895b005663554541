#!/usr/bin/env python3
"""hunt vs DuckDB vs Polars on the same hunting queries over the same Parquet files.

    python3 benches/compare/run.py --events 10000000 --threads 2

What it does (docs/performance.md explains the method and records results):

1. Creates benches/compare/.venv with the pinned DuckDB and Polars of requirements.txt and
   re-executes itself inside it.
2. Builds hunt in release (`cargo build --release -p hunt-cli`).
3. Generates hunt-gen data into benches/compare/data/<events> with `hunt gen` if absent.
4. Runs every query of queries.py on every engine, interleaved (hunt, duckdb, polars, hunt,
   ...) --runs times, each run in a fresh subprocess with the same thread count, and records
   wall time and the subprocess's peak RSS (os.wait4).
5. Checks that all engines returned the same rows, after normalisation (see `normalize_cell`).
6. Prints per query the median seconds per engine, hunt/duckdb, hunt/polars, hunt/fastest
   peer and hunt's peak RSS; then the geometric means. Writes the whole run as JSON (and a
   Markdown table with --markdown) under benches/compare/results/.

Timing: every engine is timed inside its own process, from the query to its rows. For
DuckDB and Polars, from submitting the query to having all result rows in Python, excluding
interpreter start-up and `import` (about 0.1-0.3 s, which would otherwise dominate short
queries). For hunt, its `--timing` figure: from opening the data directory (discovery,
Parquet footers) to the last JSON row written, excluding only the process's exec (about
2-3 ms); the whole process's wall time is kept as process_seconds. Peak RSS is per
subprocess; the peers' includes the Python interpreter and the imported library (tens of MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = HERE / ".venv"
DATA_ROOT = HERE / "data"
RESULTS = HERE / "results"
HUNT_BIN = REPO / "target" / "release" / "hunt"
# hunt-gen's default window is 2025-06-01 .. 2025-07-01; `now()` is its end (hunt_gen::DEMO_NOW),
# so ago(7d) means 2025-06-24T00:00:00Z in every engine.
NOW = "2025-07-01T00:00:00Z"
ENGINES = ("hunt", "duckdb", "polars")
PEERS = ("duckdb", "polars")


# ---------------------------------------------------------------------------------------------
# Environment: venv with pinned peers, release build, data.
# ---------------------------------------------------------------------------------------------


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv() -> None:
    """Creates the venv with requirements.txt (once) and re-execs this script inside it."""
    if in_venv():
        return
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    req = (HERE / "requirements.txt").read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != req:
        print(f"creating {VENV} with {' '.join(req.split())}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(HERE / "requirements.txt")],
            check=True,
        )
        stamp.write_text(req)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def build_hunt() -> None:
    print("building hunt (cargo build --release -p hunt-cli)", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "-p", "hunt-cli"], cwd=REPO, check=True)


def ensure_data(events: int) -> Path:
    """hunt-gen data for `events` DataSecurityEvents rows, generated once."""
    out = DATA_ROOT / str(events)
    if (out / ".complete").exists():
        return out
    tmp = DATA_ROOT / f".{events}.tmp"
    if tmp.exists():
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {events} events into {out}", file=sys.stderr)
    t0 = time.perf_counter()
    subprocess.run([str(HUNT_BIN), "gen", "--events", str(events), "--out", str(tmp)], check=True)
    print(f"generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if out.exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
    tmp.rename(out)
    (out / ".complete").write_text(f"hunt gen --events {events}\n")
    return out


# ---------------------------------------------------------------------------------------------
# Normalisation: one canonical form for a cell from any engine.
# ---------------------------------------------------------------------------------------------


def normalize_cell(v):
    """Canonical JSON-able form of one result cell.

    - null → "" (hunt never returns null strings, and prints other nulls as null; peers return
      NULL for a missing string, e.g. after a left outer join). Numbers and "" never meet in
      the same column, so this loses nothing the comparison needs.
    - bool → true/false; int → int (DuckDB's HUGEINT sums too).
    - float → float, compared with a relative tolerance of 1e-9 (`cells_equal`); integral
      floats that fit an int stay floats, so `avg` = 2.0 equals hunt's 2.
    - datetime → ISO-8601 UTC with microseconds, "2025-06-01T10:00:00.123456Z": DuckDB and
      Polars hand Python microsecond datetimes, so hunt's seven-digit ticks are truncated to six.
    - timedelta → total microseconds.
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return v.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%dT00:00:00.000000Z")
    if isinstance(v, dt.timedelta):
        return (v.days * 86_400 + v.seconds) * 1_000_000 + v.microseconds
    if isinstance(v, str):
        return v
    if hasattr(v, "item"):  # numpy / decimal-like scalars
        return normalize_cell(v.item())
    return str(v)


def hunt_cell(v, kql_type: str):
    """hunt's JSON cell → canonical form (see `normalize_cell`)."""
    if v is None:
        return ""
    t = kql_type.lower()
    if t in ("datetime", "date"):
        # 2025-06-01T10:00:00.1234567Z → microseconds (truncated, like the peers).
        s = str(v)
        if "." in s:
            head, frac = s.rstrip("Z").split(".", 1)
            return f"{head}.{(frac + '000000')[:6]}Z"
        return s.rstrip("Z") + ".000000Z"
    if t == "timespan" and isinstance(v, str):
        return parse_timespan_us(v)
    if t in ("real", "double") and isinstance(v, str):  # "NaN", "Infinity"
        return float(v)
    if t in ("real", "double") and isinstance(v, int):
        return float(v)
    return v


def parse_timespan_us(s: str) -> int:
    """hunt's timespan text `[-][d.]hh:mm:ss[.fffffff]` → microseconds (truncated)."""
    m = re.fullmatch(r"(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+)(?:\.(\d+))?", s)
    if not m:
        return s
    neg, d, h, mi, sec, frac = m.groups()
    us = ((int(d or 0) * 24 + int(h)) * 3600 + int(mi) * 60 + int(sec)) * 1_000_000
    us += int(((frac or "") + "000000")[:6])
    return -us if neg else us


def sort_key(row):
    """Order-independent key: type tag plus a rounded text form (floats to 9 significant digits)."""
    out = []
    for v in row:
        if isinstance(v, bool):
            out.append((1, str(v)))
        elif isinstance(v, (int, float)):
            if isinstance(v, float) and math.isnan(v):
                out.append((2, "nan"))
            else:
                out.append((0, f"{float(v):.9g}"))
        else:
            out.append((3, str(v)))
    return out


def cells_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) or isinstance(b, float):
            fa, fb = float(a), float(b)
            if math.isnan(fa) or math.isnan(fb):
                return math.isnan(fa) and math.isnan(fb)
            return fa == fb or abs(fa - fb) <= 1e-9 * max(abs(fa), abs(fb))
        return a == b
    return a == b


def rows_equal(a: list, b: list) -> tuple[bool, str]:
    if len(a) != len(b):
        return False, f"{len(a)} rows vs {len(b)} rows"
    for i, (ra, rb) in enumerate(zip(a, b)):
        if len(ra) != len(rb):
            return False, f"row {i}: {len(ra)} columns vs {len(rb)}"
        for j, (x, y) in enumerate(zip(ra, rb)):
            if not cells_equal(x, y):
                return False, f"row {i} column {j}: {x!r} vs {y!r}"
    return True, ""


# ---------------------------------------------------------------------------------------------
# Workers: one engine, one query, one fresh process.
# ---------------------------------------------------------------------------------------------


def worker(engine: str, data: Path, name: str, threads: int) -> None:
    """Runs one query of queries.py on DuckDB or Polars and prints {seconds, rows} as JSON."""
    if engine == "polars":
        # Must be set before polars is imported: it sizes its thread pool at import.
        os.environ["POLARS_MAX_THREADS"] = str(threads)
    sys.path.insert(0, str(HERE))
    import queries

    q = queries.by_name(name)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET threads = {threads}")
        # Timestamps are TIMESTAMP WITH TIME ZONE (Parquet isAdjustedToUTC); date_trunc and
        # friends must work in UTC like KQL's bin().
        con.execute("SET TimeZone = 'UTC'")
        sql = queries.render_sql(q, data)
        t0 = time.perf_counter()
        rows = con.execute(sql).fetchall()
        seconds = time.perf_counter() - t0
    elif engine == "polars":
        import polars as pl

        def scan(table: str) -> "pl.LazyFrame":
            return pl.scan_parquet(str(data / table / "*.parquet"))

        t0 = time.perf_counter()
        lf = q.polars(scan, pl)
        rows = lf.collect().rows()
        seconds = time.perf_counter() - t0
    else:
        raise SystemExit(f"unknown worker engine {engine}")
    out = {"seconds": seconds, "rows": [[normalize_cell(v) for v in r] for r in rows]}
    json.dump(out, sys.stdout)


TIME_BIN = Path("/usr/bin/time")


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, int, int, bytes, bytes]:
    """Runs argv, returns (wall seconds, peak RSS KiB, exit status, stdout, stderr).

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the command from its own
    small process. Measuring the child directly with os.wait4 would be wrong: a child forked
    from this Python process starts with the parent's resident pages, and Linux keeps that
    high-water mark across exec, so every child would report at least the parent's RSS.
    Without GNU time, os.wait4 is used and the figure is an upper bound.
    """
    out_path = RESULTS / ".child.out"
    err_path = RESULTS / ".child.err"
    rss_path = RESULTS / ".child.rss"
    use_time = TIME_BIN.exists()
    cmd = [str(TIME_BIN), "-f", "%M", "-o", str(rss_path), *argv] if use_time else argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss
    if use_time:
        # GNU time prints "Command exited with non-zero status N" before the figure.
        lines = rss_path.read_text().split()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else rss
    return wall, rss, code, out_path.read_bytes(), err_path.read_bytes()


def run_hunt(q, data: Path, threads: int) -> dict:
    argv = [
        str(HUNT_BIN), "--data", str(data), "--format", "json", "--now", NOW,
        "--threads", str(threads), "--timing", q.kql,
    ]
    wall, rss, code, out, err = run_child(argv)
    # Exit 1 means "no rows" (grep semantics), not an error.
    if code not in (0, 1):
        return {"error": err.decode(errors="replace").strip() or f"exit {code}", "rss_kib": rss}
    doc = json.loads(out)
    types = [c.get("type") or c.get("Type") or "" for c in doc["schema"]]
    names = [c.get("name") or c.get("Name") for c in doc["schema"]]
    rows = [[hunt_cell(r.get(n), t) for n, t in zip(names, types)] for r in doc["results"]]
    # Like the peers' in-process timings (query to rows, interpreter and connection start-up
    # excluded): hunt's own figure from opening the data to the last row written. The whole
    # process, exec included, is kept as process_seconds.
    seconds = wall
    for line in err.decode(errors="replace").splitlines():
        if line.startswith("elapsed: ") and line.endswith(" s"):
            seconds = float(line[len("elapsed: "):-2])
    return {"seconds": seconds, "process_seconds": wall, "rss_kib": rss, "rows": rows,
            "columns": names}


def run_peer(engine: str, q, data: Path, threads: int) -> dict:
    argv = [
        sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--data", str(data),
        "--query", q.name, "--threads", str(threads),
    ]
    env = dict(os.environ)
    if engine == "polars":
        env["POLARS_MAX_THREADS"] = str(threads)
    wall, rss, code, out, err = run_child(argv, env)
    if code != 0:
        return {"error": err.decode(errors="replace").strip()[-2000:], "rss_kib": rss}
    doc = json.loads(out)
    return {"seconds": doc["seconds"], "process_seconds": wall, "rss_kib": rss, "rows": doc["rows"]}


# ---------------------------------------------------------------------------------------------
# Driver.
# ---------------------------------------------------------------------------------------------


def geomean(xs: list[float]) -> float:
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def compare_results(q, results: dict) -> list[str]:
    """Differences between hunt's rows and each peer's (first run of each), as messages."""
    problems = []
    canon = {}
    for e in ENGINES:
        r = results[e]
        if "error" in r:
            problems.append(f"{e} failed: {r['error'].splitlines()[-1] if r['error'] else '?'}")
            continue
        rows = r["rows"]
        canon[e] = rows if q.ordered else sorted(rows, key=sort_key)
    if "hunt" in canon:
        for p in PEERS:
            if p in canon:
                ok, why = rows_equal(canon["hunt"], canon[p])
                if not ok:
                    problems.append(f"hunt != {p}: {why}")
    if all(p in canon for p in PEERS):
        ok, why = rows_equal(canon["duckdb"], canon["polars"])
        if not ok:
            problems.append(f"duckdb != polars: {why}")
    return problems


def fmt_s(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_mib(x) -> str:
    return "-" if x is None else f"{x:.0f}"


def fmt_r(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.2f}"


def main() -> int:
    global HUNT_BIN
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="DataSecurityEvents rows (default 1M)")
    ap.add_argument("--threads", type=int, default=2, help="threads for every engine (default 2)")
    ap.add_argument("--runs", type=int, default=5, help="interleaved runs per query and engine (default 5)")
    ap.add_argument("--only", default="", help="comma-separated query names or substrings to run")
    ap.add_argument("--no-build", action="store_true", help="use the existing hunt binary, do not run cargo")
    ap.add_argument("--hunt-bin", type=Path, default=HUNT_BIN,
                    help="hunt binary to benchmark (default target/release/hunt; implies --no-build)")
    ap.add_argument("--hunt-label", default="",
                    help="what to call the hunt build in the report (default: git HEAD of this checkout)")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    ap.add_argument("--list", action="store_true", help="list the queries and exit")
    ap.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--query", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        worker(args.worker, args.data, args.query, args.threads)
        return 0

    ensure_venv()
    sys.path.insert(0, str(HERE))
    import queries

    if args.list:
        for q in queries.QUERIES:
            print(f"{q.name}: {q.intent}")
        return 0
    if args.hunt_bin != HUNT_BIN:
        HUNT_BIN = args.hunt_bin.resolve()
        args.no_build = True
    if not args.no_build:
        build_hunt()
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = ensure_data(args.events)

    suite = queries.QUERIES
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        suite = [q for q in suite if any(w == q.name or w in q.name for w in wanted)]

    from importlib.metadata import version

    meta = {
        "events": args.events,
        "threads": args.threads,
        "runs": args.runs,
        "duckdb": version("duckdb"),
        "polars": version("polars"),
        "hunt_commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
        "hunt_dirty": bool(
            subprocess.run(["git", "status", "--porcelain", "--", "crates"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
        ),
        "hunt_bin": str(HUNT_BIN),
        "hunt_label": args.hunt_label,
        "loadavg_start": os.getloadavg(),
        "cpus": os.cpu_count(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": str(data),
    }
    print(
        f"# {len(suite)} queries, {args.events} events, {args.threads} threads, {args.runs} runs; "
        f"duckdb {meta['duckdb']}, polars {meta['polars']}, hunt {hunt_name(meta)}; "
        f"load average {meta['loadavg_start'][0]:.2f}",
        flush=True,
    )

    report = []
    for q in suite:
        times = {e: [] for e in ENGINES}
        rss = {e: [] for e in ENGINES}
        first = {}
        for _ in range(args.runs):
            for e in ENGINES:
                r = run_hunt(q, data, args.threads) if e == "hunt" else run_peer(e, q, data, args.threads)
                first.setdefault(e, r)
                rss[e].append(r.get("rss_kib", 0))
                if "error" in r:
                    break
                times[e].append(r["seconds"])
        problems = compare_results(q, first)
        med = {e: statistics.median(times[e]) if times[e] else None for e in ENGINES}
        peer_meds = [med[p] for p in PEERS if med[p]]
        fastest = min(peer_meds) if peer_meds else None
        entry = {
            "name": q.name,
            "intent": q.intent,
            "median_s": med,
            "times_s": times,
            "peak_rss_mib": {e: max(rss[e]) / 1024 if rss[e] else None for e in ENGINES},
            "rss_method": "GNU time %M" if TIME_BIN.exists() else "wait4 (upper bound)",
            "rows": len(first["hunt"]["rows"]) if "rows" in first.get("hunt", {}) else None,
            "hunt_over_duckdb": med["hunt"] / med["duckdb"] if med["hunt"] and med["duckdb"] else None,
            "hunt_over_polars": med["hunt"] / med["polars"] if med["hunt"] and med["polars"] else None,
            "hunt_over_fastest": med["hunt"] / fastest if med["hunt"] and fastest else None,
            "problems": problems,
        }
        if problems:
            entry["sample"] = {
                e: (first[e].get("rows", [])[:5] if "rows" in first[e] else first[e].get("error"))
                for e in ENGINES
            }
        report.append(entry)
        print(
            f"{q.name:<34} hunt {fmt_s(med['hunt']):>7}  duckdb {fmt_s(med['duckdb']):>7}  "
            f"polars {fmt_s(med['polars']):>7}  h/duck {fmt_r(entry['hunt_over_duckdb']):>6}  "
            f"h/fastest {fmt_r(entry['hunt_over_fastest']):>6}  "
            f"hunt RSS {fmt_mib(entry['peak_rss_mib']['hunt']):>5} MiB  rows {entry['rows']}"
            + ("" if not problems else "  MISMATCH: " + "; ".join(problems)),
            flush=True,
        )

    summary = {
        "geomean_hunt_over_duckdb": geomean([r["hunt_over_duckdb"] for r in report]),
        "geomean_hunt_over_polars": geomean([r["hunt_over_polars"] for r in report]),
        "geomean_hunt_over_fastest": geomean([r["hunt_over_fastest"] for r in report]),
        "mismatches": [r["name"] for r in report if r["problems"]],
    }
    print(
        f"\ngeometric mean over {len(report)} queries: hunt/duckdb "
        f"{fmt_r(summary['geomean_hunt_over_duckdb'])}, hunt/polars "
        f"{fmt_r(summary['geomean_hunt_over_polars'])}, hunt/fastest peer "
        f"{fmt_r(summary['geomean_hunt_over_fastest'])}"
    )
    if summary["mismatches"]:
        print(f"results differ on: {', '.join(summary['mismatches'])}")
    else:
        print("all engines returned the same rows on every query")

    meta["loadavg_end"] = os.getloadavg()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"{args.events}-t{args.threads}-{stamp}.json"
    out.write_text(json.dumps({"meta": meta, "summary": summary, "queries": report}, indent=1))
    print(f"wrote {out.relative_to(REPO)}")
    if args.markdown:
        print()
        print(markdown(meta, summary, report))
    return 1 if summary["mismatches"] else 0


def hunt_name(meta: dict) -> str:
    if meta.get("hunt_label"):
        return meta["hunt_label"]
    return meta["hunt_commit"] + (" + uncommitted changes" if meta["hunt_dirty"] else "")


def markdown(meta: dict, summary: dict, report: list) -> str:
    lines = [
        f"{meta['events']:,} events, {meta['threads']} threads, median of {meta['runs']} runs; "
        f"DuckDB {meta['duckdb']}, Polars {meta['polars']}, hunt {hunt_name(meta)}, {meta['date']}; "
        f"1-minute load average {meta['loadavg_start'][0]:.2f} at start, {meta['loadavg_end'][0]:.2f} at end.",
        "",
        "| query | rows | hunt s | DuckDB s | Polars s | hunt/DuckDB | hunt/Polars | hunt/fastest | "
        "hunt RSS MiB | DuckDB RSS MiB | Polars RSS MiB | same rows |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in report:
        m = r["median_s"]
        lines.append(
            f"| {r['name']} | {r['rows'] if r['rows'] is not None else '-'} | {fmt_s(m['hunt'])} | "
            f"{fmt_s(m['duckdb'])} | {fmt_s(m['polars'])} | {fmt_r(r['hunt_over_duckdb'])} | "
            f"{fmt_r(r['hunt_over_polars'])} | {fmt_r(r['hunt_over_fastest'])} | "
            f"{fmt_mib(r['peak_rss_mib']['hunt'])} | {fmt_mib(r['peak_rss_mib']['duckdb'])} | "
            f"{fmt_mib(r['peak_rss_mib']['polars'])} | {'yes' if not r['problems'] else 'NO'} |"
        )
    lines.append(
        f"| **geometric mean** | | | | | {fmt_r(summary['geomean_hunt_over_duckdb'])} | "
        f"{fmt_r(summary['geomean_hunt_over_polars'])} | {fmt_r(summary['geomean_hunt_over_fastest'])} | | | | |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
