"""What run.py prints and writes: per-query lines, per-shape summaries, Markdown tables.

The figures of a shape (`summarize`):
- geometric mean of hunt / fastest peer over the queries where both ran (the fastest peer of a
  query is the fastest whose rows another engine corroborates, see run.evaluate), and of
  hunt / each peer;
- the queries where hunt is over 2x the fastest peer;
- each engine's peak RSS over the shape's queries;
- where hunt failed or returned other rows, where peers disagreed with hunt, and what each
  peer could not run.
"""

from __future__ import annotations

import math

LABELS = {"hunt": "hunt", "duckdb": "DuckDB", "polars": "Polars", "datafusion": "DataFusion", "chdb": "chDB"}


def geomean(xs: list) -> float:
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


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


def hunt_name(meta: dict) -> str:
    if meta.get("hunt_label"):
        return meta["hunt_label"]
    return meta["hunt_commit"] + (" + uncommitted changes" if meta["hunt_dirty"] else "")


def cell(entry: dict, e: str) -> str:
    """An engine's time, or why there is none; `≠` marks rows that differ from hunt's."""
    st = entry["status"][e]
    if st != "ok":
        return "unsup." if st == "unsupported" else "error"
    mark = "" if e == "hunt" or entry["same_as_hunt"].get(e, True) else " ≠"
    return fmt_s(entry["median_s"][e]) + mark


def query_line(entry: dict, engines: list[str]) -> str:
    times = "  ".join(f"{e} {cell(entry, e):>7}" for e in engines)
    rss = "/".join(fmt_mib(entry["peak_rss_mib"][e]) for e in engines)
    line = (
        f"{entry['name']:<40} {times}  h/fastest {fmt_r(entry['hunt_over_fastest']):>6}"
        f" ({entry['fastest_peer'] or '-'})  RSS MiB {rss}  rows {entry['rows']}"
    )
    if entry["problems"]:
        line += "  MISMATCH: " + "; ".join(entry["problems"])
    return line


def summarize(report: list[dict], engines: list[str]) -> dict:
    peers = [e for e in engines if e != "hunt"]
    rss = {e: max((r["peak_rss_mib"][e] or 0) for r in report) if report else None for e in engines}
    return {
        "queries": len(report),
        "geomean_hunt_over_fastest": geomean([r["hunt_over_fastest"] for r in report]),
        "geomean_hunt_over": {p: geomean([r["hunt_over"][p] for r in report]) for p in peers},
        "over_2x": [r["name"] for r in report if (r["hunt_over_fastest"] or 0) > 2],
        "peak_rss_mib": rss,
        "hunt_wrong": [r["name"] for r in report if r["hunt_wrong"]],
        "mismatches": [r["name"] for r in report if r["problems"]],
        "unsupported": {p: [r["name"] for r in report if r["status"][p] == "unsupported"] for p in peers},
        "peer_differs": {
            p: [r["name"] for r in report if r["same_as_hunt"].get(p) is False] for p in peers
        },
    }


def summary_text(shape: str, s: dict, n: int) -> str:
    per_peer = ", ".join(f"hunt/{LABELS[p]} {fmt_r(v)}" for p, v in s["geomean_hunt_over"].items())
    lines = [
        f"\n[{shape}] geometric mean over {n} queries: hunt/fastest peer "
        f"{fmt_r(s['geomean_hunt_over_fastest'])} ({per_peer}); "
        f"{len(s['over_2x'])} over 2x" + (f" ({', '.join(s['over_2x'])})" if s["over_2x"] else ""),
        f"[{shape}] peak RSS MiB: " + ", ".join(f"{LABELS[e]} {fmt_mib(v)}" for e, v in s["peak_rss_mib"].items()),
    ]
    if s["hunt_wrong"]:
        lines.append(f"[{shape}] hunt failed or returned other rows on: {', '.join(s['hunt_wrong'])}")
    for p, names in s["peer_differs"].items():
        if names:
            lines.append(f"[{shape}] {LABELS[p]} returned other rows than hunt on {len(names)}: {', '.join(names)}")
    for p, names in s["unsupported"].items():
        if names:
            lines.append(f"[{shape}] {LABELS[p]} could not run {len(names)}: {', '.join(names)}")
    return "\n".join(lines)


def shapes_text(results: dict, engines: list[str]) -> str:
    head = f"{'shape':<16} {'h/fastest':>9} {'over 2x':>7} {'hunt wrong':>10}  peak RSS MiB " + "/".join(engines)
    lines = [head]
    for shape, res in results.items():
        s = res["summary"]
        lines.append(
            f"{shape:<16} {fmt_r(s['geomean_hunt_over_fastest']):>9} {len(s['over_2x']):>7} "
            f"{len(s['hunt_wrong']):>10}  " + "/".join(fmt_mib(s["peak_rss_mib"][e]) for e in engines)
        )
    return "\n".join(lines)


def markdown(meta: dict, results: dict, engines: list[str]) -> str:
    versions = ", ".join(f"{LABELS[p]} {v}" for p, v in meta["versions"].items())
    out = [
        f"{meta['events']:,} events, {meta['threads']} threads, median of {meta['runs']} runs; "
        f"{versions}, hunt {hunt_name(meta)}, {meta['date']}; 1-minute load average "
        f"{meta['loadavg_start'][0]:.2f} at start, {meta['loadavg_end'][0]:.2f} at end.",
        "",
    ]
    if len(results) > 1:
        out += [
            "| shape | hunt/fastest peer (geomean) | queries over 2x | hunt failed or other rows | "
            + " | ".join(f"{LABELS[e]} peak RSS MiB" for e in engines) + " |",
            "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in engines) + " |",
        ]
        for shape, res in results.items():
            s = res["summary"]
            out.append(
                f"| {shape} | {fmt_r(s['geomean_hunt_over_fastest'])} | {len(s['over_2x'])} | "
                f"{len(s['hunt_wrong'])} | " + " | ".join(fmt_mib(s["peak_rss_mib"][e]) for e in engines) + " |"
            )
        out.append("")
    for shape, res in results.items():
        s = res["summary"]
        out += [
            f"Shape `{shape}`: hunt/fastest peer {fmt_r(s['geomean_hunt_over_fastest'])} in geometric mean, "
            f"{len(s['over_2x'])} of {s['queries']} queries over 2x; "
            + "; ".join(f"hunt/{LABELS[p]} {fmt_r(v)}" for p, v in s["geomean_hunt_over"].items())
            + ". `≠`: rows differ from hunt's; `unsup.`: the engine cannot run the query.",
            "",
            "| query | rows | " + " | ".join(f"{LABELS[e]} s" for e in engines)
            + " | hunt/fastest | fastest | " + " | ".join(f"{LABELS[e]} MiB" for e in engines) + " |",
            "| --- | ---: | " + " | ".join("---:" for _ in engines) + " | ---: | --- | "
            + " | ".join("---:" for _ in engines) + " |",
        ]
        for r in res["queries"]:
            out.append(
                f"| {r['name']} | {r['rows'] if r['rows'] is not None else '-'} | "
                + " | ".join(cell(r, e) for e in engines)
                + f" | {fmt_r(r['hunt_over_fastest'])} | {LABELS.get(r['fastest_peer'], '-')} | "
                + " | ".join(fmt_mib(r["peak_rss_mib"][e]) for e in engines) + " |"
            )
        out.append(
            "| **geometric mean** | | " + " | ".join("" for _ in engines)
            + f" | {fmt_r(s['geomean_hunt_over_fastest'])} | | " + " | ".join("" for _ in engines) + " |"
        )
        out.append("")
    return "\n".join(out)
