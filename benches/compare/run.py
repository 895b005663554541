#!/usr/bin/env python3
"""hunt vs DuckDB, Polars, DataFusion and chDB on the same hunting queries over the same Parquet.

    python3 benches/compare/run.py --events 10000000 --threads 2 --shape all --markdown

What it does (docs/performance.md explains the method and records results):

1. Creates benches/compare/.venv with the pinned peers of requirements.txt and re-executes
   itself inside it.
2. Builds hunt in release (`cargo build --release -p hunt-cli`, honouring CARGO_TARGET_DIR).
3. Generates hunt-gen data into benches/compare/data/<events> with `hunt gen` if absent, and
   rewrites it as each requested data shape (shapes.py) into data/<events>-<shape>.
4. Runs every query of queries.py (and queries_hunting.py) on every engine, interleaved (hunt,
   duckdb, polars, datafusion, chdb, hunt, ...) --runs times, each run in a fresh subprocess
   with the same thread count, and records wall time and the subprocess's peak RSS.
5. Compares every engine's rows with hunt's, after normalisation (see `normalize_cell`).
   chDB runs the KQL text itself; what its Kusto dialect cannot run is recorded as
   unsupported for that query, never a failure of the run.
6. Prints per query the median seconds per engine, hunt over the fastest peer and the peak
   RSS of each engine; then per shape the geometric mean of hunt / fastest peer, the queries
   over 2x and each engine's peak RSS. Writes the whole run as JSON (and Markdown tables with
   --markdown) under benches/compare/results/.

Timing: every engine is timed inside its own process, from the query to its rows. For the
peers, from submitting the query to having all result rows in Python, excluding interpreter
start-up, `import` and registering the tables (about 0.1-0.5 s, which would otherwise dominate
short queries). For hunt, its `--timing` figure: from opening the data directory
(discovery, Parquet footers) to the last JSON row written, excluding only the process's exec
(about 2-3 ms); the whole process's wall time is kept as process_seconds. Peak RSS is per
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
HUNT_BIN = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target") / "release" / "hunt"
# hunt-gen's default window is 2025-06-01 .. 2025-07-01; `now()` is its end (hunt_gen::DEMO_NOW),
# so ago(7d) means 2025-06-24T00:00:00Z in every engine.
NOW = "2025-07-01T00:00:00Z"
PEERS = ("duckdb", "polars", "datafusion", "chdb")  # engines.PEERS, without importing it here
ENGINES = ("hunt", *PEERS)
PACKAGES = {"duckdb": "duckdb", "polars": "polars", "datafusion": "datafusion", "chdb": "chdb"}


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
    - list / dict (make_set, a DuckDB LIST, a Polars list) → compact JSON text with sorted
      keys, of normalised elements: the same form `canonical_json` gives hunt's dynamic cells.
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
    if isinstance(v, (list, tuple)):
        return canonical_json([json_value(x) for x in v])
    if isinstance(v, dict):
        return canonical_json({k: json_value(x) for k, x in v.items()})
    if hasattr(v, "item"):  # numpy / decimal-like scalars
        return normalize_cell(v.item())
    return str(v)


# hunt's JSON schema names column types as .NET does (Kusto's `Object` is `dynamic`).
DYNAMIC_TYPES = ("dynamic", "object")


def json_value(v):
    """An element of a list or dict as JSON would hold it (datetimes as normalised text)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: json_value(x) for k, x in v.items()}
    return normalize_cell(v)


def canonical_json(v) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dynamic_cell(v):
    """A dynamic column's cell, from any engine, as canonical JSON text ("" for null).

    hunt prints a dynamic value as JSON; the peers hand the Parquet text (whole-row outputs)
    or an already normalised list. Text that parses as JSON is re-serialised canonically.
    """
    if v is None or v == "":
        return ""
    if isinstance(v, str):
        try:
            return canonical_json(json.loads(v))
        except ValueError:
            return v
    return canonical_json(json_value(v))


def hunt_cell(v, kql_type: str):
    """hunt's JSON cell → canonical form (see `normalize_cell`)."""
    t = kql_type.lower()
    if t in DYNAMIC_TYPES:
        return dynamic_cell(v)
    if v is None:
        return ""
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
    """Runs one query on one peer (engines.py) and prints {seconds, rows} or {unsupported}."""
    sys.path.insert(0, str(HERE))
    import engines

    json.dump(engines.worker_main(engine, data, name, threads, HERE, normalize_cell), sys.stdout)


TIME_BIN = Path("/usr/bin/time")


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, int, int, bytes, bytes]:
    """Runs argv, returns (wall seconds, peak RSS KiB, exit status, stdout, stderr).

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the command from its own
    small process. Measuring the child directly with os.wait4 would be wrong: a child forked
    from this Python process starts with the parent's resident pages, and Linux keeps that
    high-water mark across exec, so every child would report at least the parent's RSS.
    Without GNU time, os.wait4 is used and the figure is an upper bound.
    """
    # Per driver process, so two runs at once do not read each other's output.
    out_path = RESULTS / f".child-{os.getpid()}.out"
    err_path = RESULTS / f".child-{os.getpid()}.err"
    rss_path = RESULTS / f".child-{os.getpid()}.rss"
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
    try:
        doc = json.loads(out)
    except ValueError as e:
        return {"error": f"unreadable JSON output ({e}): {err.decode(errors='replace').strip()[-500:]}",
                "rss_kib": rss}
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
            "columns": names, "types": types}


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
    try:
        doc = json.loads(out)
    except ValueError as e:
        return {"error": f"unreadable worker output ({e}): {err.decode(errors='replace').strip()[-500:]}",
                "rss_kib": rss}
    if "unsupported" in doc:
        return {"unsupported": doc["unsupported"], "rss_kib": rss}
    return {"seconds": doc["seconds"], "process_seconds": wall, "rss_kib": rss, "rows": doc["rows"]}


# ---------------------------------------------------------------------------------------------
# Driver.
# ---------------------------------------------------------------------------------------------


def canonical(q, r: dict):
    if "rows" not in r:
        return None
    return r["rows"] if q.ordered else sorted(r["rows"], key=sort_key)


def evaluate(q, engines: list[str], first: dict, times: dict, rss: dict) -> dict:
    """One query's entry: medians, ratios, agreement with hunt, problems.

    A peer's time counts towards "fastest peer" only when its rows equal hunt's or another
    peer's (or it is the only peer that answered): a peer that is the odd one out (a dialect
    difference, a bug) is not a yardstick.
    hunt is `wrong` when its rows differ from those of a peer that another peer agrees with.
    """
    # A column hunt types dynamic: the peers' cells (JSON text, or a list) compared as JSON.
    dyn = [i for i, t in enumerate(first.get("hunt", {}).get("types", [])) if t.lower() in DYNAMIC_TYPES]
    if dyn:
        for e in engines:
            if e != "hunt" and "rows" in first[e]:
                first[e]["rows"] = [
                    [dynamic_cell(c) if i in dyn else c for i, c in enumerate(r)] for r in first[e]["rows"]
                ]
    canon = {e: canonical(q, first[e]) for e in engines}
    peers = [e for e in engines if e != "hunt"]
    status = {e: "error" if "error" in first[e] else "unsupported" if "unsupported" in first[e]
              else "ok" for e in engines}
    same_as_hunt = {}
    for p in peers:
        if canon.get("hunt") is not None and canon[p] is not None:
            same_as_hunt[p] = rows_equal(canon["hunt"], canon[p])
    corroborated = {}
    for p in peers:
        if canon[p] is None:
            continue
        others = [o for o in engines if o != p and canon[o] is not None]
        other_peers = [o for o in others if o != "hunt"]
        # With no other peer to check it (a run with one peer), a peer is the reference.
        corroborated[p] = not other_peers or any(rows_equal(canon[p], canon[o])[0] for o in others)
    med = {e: statistics.median(times[e]) if times[e] else None for e in engines}
    counted = {p: med[p] for p in peers if med[p] and corroborated.get(p)}
    fastest_peer = min(counted, key=counted.get) if counted else None
    problems = []
    hunt_wrong = False
    for e in engines:
        if status[e] == "error":
            msg = first[e]["error"].splitlines()[-1] if first[e]["error"] else "?"
            problems.append(f"{e} failed: {msg}")
    for p, (ok, why) in same_as_hunt.items():
        if not ok:
            problems.append(f"hunt != {p}: {why}")
            if corroborated.get(p):
                hunt_wrong = True
    if status.get("hunt") == "error":
        hunt_wrong = True
    entry = {
        "name": q.name,
        "intent": q.intent,
        "status": status,
        "median_s": med,
        "times_s": times,
        "peak_rss_mib": {e: max(rss[e]) / 1024 if rss[e] else None for e in engines},
        "rss_method": "GNU time %M" if TIME_BIN.exists() else "wait4 (upper bound)",
        "rows": len(first["hunt"]["rows"]) if "rows" in first.get("hunt", {}) else None,
        "hunt_over": {p: med["hunt"] / med[p] if med.get("hunt") and med[p] else None for p in peers},
        "fastest_peer": fastest_peer,
        "hunt_over_fastest": med["hunt"] / counted[fastest_peer] if fastest_peer and med.get("hunt") else None,
        "same_as_hunt": {p: ok for p, (ok, _) in same_as_hunt.items()},
        "unsupported": {e: first[e]["unsupported"] for e in engines if status[e] == "unsupported"},
        "hunt_wrong": hunt_wrong,
        "problems": problems,
    }
    if problems:
        entry["sample"] = {
            e: (first[e]["rows"][:5] if "rows" in first[e] else first[e].get("error") or first[e].get("unsupported"))
            for e in engines
        }
    return entry


def run_suite(suite: list, data: Path, engines: list[str], args) -> list[dict]:
    report = []
    for q in suite:
        times = {e: [] for e in engines}
        rss = {e: [] for e in engines}
        first: dict = {}
        for _ in range(args.runs):
            for e in engines:
                if e in first and "rows" not in first[e]:
                    continue  # failed or unsupported: once is enough
                r = run_hunt(q, data, args.threads) if e == "hunt" else run_peer(e, q, data, args.threads)
                first.setdefault(e, r)
                rss[e].append(r.get("rss_kib", 0))
                if "seconds" in r:
                    times[e].append(r["seconds"])
        entry = evaluate(q, engines, first, times, rss)
        report.append(entry)
        print(report_mod.query_line(entry, engines), flush=True)
    return report


def main() -> int:
    global HUNT_BIN, report_mod
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000, help="DataSecurityEvents rows (default 1M)")
    ap.add_argument("--threads", type=int, default=2, help="threads for every engine (default 2)")
    ap.add_argument("--runs", type=int, default=5, help="interleaved runs per query and engine (default 5)")
    ap.add_argument("--only", default="", help="comma-separated query names or substrings to run")
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help=f"comma-separated engines to run (default {','.join(ENGINES)}; hunt is always run)")
    ap.add_argument("--shape", default="default",
                    help="data shape(s): a name, a comma-separated list or 'all' (see shapes.py; --list-shapes)")
    ap.add_argument("--keep-shapes", action="store_true",
                    help="keep the rewritten shape directories after the run (default: delete them)")
    ap.add_argument("--no-build", action="store_true", help="use the existing hunt binary, do not run cargo")
    ap.add_argument("--hunt-bin", type=Path, default=HUNT_BIN,
                    help="hunt binary to benchmark (default: the release build; implies --no-build)")
    ap.add_argument("--hunt-label", default="",
                    help="what to call the hunt build in the report (default: git HEAD of this checkout)")
    ap.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    ap.add_argument("--list", action="store_true", help="list the queries and exit")
    ap.add_argument("--list-shapes", action="store_true", help="list the data shapes and exit")
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
    import report as report_mod
    import shapes

    if args.list:
        for q in queries.QUERIES:
            print(f"{q.name}: {q.intent}")
        return 0
    if args.list_shapes:
        for name, opts in shapes.SHAPES.items():
            print(f"{name}: {opts or 'hunt gen output as written'}")
        return 0
    engines = ["hunt"] + [e for e in args.engines.split(",") if e.strip() and e.strip() != "hunt"]
    for e in engines[1:]:
        if e not in PEERS:
            raise SystemExit(f"unknown engine {e!r}; engines: {', '.join(ENGINES)}")
    shape_names = list(shapes.SHAPES) if args.shape == "all" else [s.strip() for s in args.shape.split(",")]
    for s in shape_names:
        if s not in shapes.SHAPES:
            raise SystemExit(f"unknown shape {s!r}; shapes: {', '.join(shapes.SHAPES)}")
    if args.hunt_bin != HUNT_BIN:
        HUNT_BIN = args.hunt_bin.resolve()
        args.no_build = True
    if not args.no_build:
        build_hunt()
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = ensure_data(args.events)

    suite = queries.QUERIES
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        suite = [q for q in suite if any(w == q.name or w in q.name for w in wanted)]

    from importlib.metadata import version

    meta = {
        "events": args.events,
        "threads": args.threads,
        "runs": args.runs,
        "engines": engines,
        "versions": {p: version(PACKAGES[p]) for p in engines if p != "hunt"},
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
        "data": str(base),
        "shapes": shape_names,
    }
    print(
        f"# {len(suite)} queries, {args.events} events, {args.threads} threads, {args.runs} runs, "
        f"shapes {', '.join(shape_names)}; "
        + ", ".join(f"{p} {v}" for p, v in meta["versions"].items())
        + f", hunt {report_mod.hunt_name(meta)}; load average {meta['loadavg_start'][0]:.2f}",
        flush=True,
    )

    results = {}
    for shape in shape_names:
        data = shapes.ensure_shape(base, shape)
        print(f"\n## shape {shape} ({data.name})", flush=True)
        rows = run_suite(suite, data, engines, args)
        summary = report_mod.summarize(rows, engines)
        results[shape] = {"summary": summary, "queries": rows}
        print(report_mod.summary_text(shape, summary, len(rows)), flush=True)
        if shape != "default" and not args.keep_shapes:
            subprocess.run(["rm", "-rf", str(data)], check=True)

    meta["loadavg_end"] = os.getloadavg()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    tag = "all" if args.shape == "all" else "+".join(shape_names)
    out = RESULTS / f"{args.events}-t{args.threads}-{tag}-{stamp}.json"
    out.write_text(json.dumps({"meta": meta, "shapes": results}, indent=1))
    print(f"\nwrote {out.relative_to(REPO)}")
    if len(shape_names) > 1:
        print()
        print(report_mod.shapes_text(results, engines))
    if args.markdown:
        print()
        print(report_mod.markdown(meta, results, engines))
    failed = [f"{s}: {r['name']}" for s, res in results.items() for r in res["queries"] if r["hunt_wrong"]]
    if failed:
        print(f"\nhunt failed or returned other rows than the peers on: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
