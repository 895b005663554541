#!/usr/bin/env python3
"""Turns Microsoft Learn advanced-hunting table pages into hunt's catalog schema files.

Usage:
    python3 refresh.py [--out DIR] [--irm TABLES_JSON] [--source REPO_PATH@COMMIT] PAGE.md ...

PAGE.md is a page of the MicrosoftDocs/defender-docs repository
(defender-xdr/advanced-hunting-<table>-table.md) or an excerpt of one: the script reads the
first Markdown table whose header starts with "Column name" and writes <Table>.json (name,
doc URL, source, the page's column count and first/last column, and the columns in page
order with KQL type and description). The table name is the page's first "# " heading
(without "(Preview)"), else the file name. A line "source: PATH@COMMIT" in the file, or
--source, records which version of the page was read.

The four Insider Risk Management tables are kept consistent with the shared
schemas/tables.json instead (pass it with --irm): their columns, types, descriptions and
statuses come from there, and only the page facts come from the page (an excerpt may give
them as "irm-names: COL COL ..."). DataSecurityEvents keeps FileName and FileExtension,
which Microsoft's own example query uses although the page lists ObjectName.

A description "=" (used in hand-made excerpts) repeats the description the same column
has in another table of the output folder (DeviceEvents first).
"""

import argparse
import json
import os
import re
import sys

LEARN = "https://learn.microsoft.com/en-us/defender-xdr/"

# Page spellings of types -> KQL type names hunt knows (KqlType::from_name).
TYPES = {
    "bool": "bool", "boolean": "bool", "nullable bool": "bool",
    "int": "int", "integer": "int", "int32": "int",
    "long": "long", "int64": "long",
    "real": "real", "double": "real",
    "string": "string", "enum": "string",
    "datetime": "datetime", "timespan": "timespan", "guid": "guid",
    "dynamic": "dynamic", "object": "dynamic", "array": "dynamic",
}

IRM_EXTRA = {
    "DataSecurityEvents": [
        {"name": "FileName", "type": "string", "status": "example",
         "description": "Name of the file the activity applied to; used by Microsoft's example hunting query although the page lists ObjectName"},
        {"name": "FileExtension", "type": "string", "status": "example",
         "description": "Extension of the file the activity applied to; used by Microsoft's example hunting query"},
    ]
}


def cells(line):
    parts = line.strip().strip("|").split("|")
    return [p.strip() for p in parts]


def parse_page(text):
    """Returns (title, source, rows, irm_names) of a page or excerpt."""
    title = None
    source = None
    irm_names = None
    rows = []
    in_table = False
    for line in text.splitlines():
        if line.startswith("source:"):
            source = line.split(":", 1)[1].strip()
            continue
        if line.startswith("irm-names:"):
            irm_names = line.split(":", 1)[1].split()
            continue
        if line.startswith("irm:"):
            n, first, last = line.split(":", 1)[1].split()
            irm_names = (int(n), first, last)
            continue
        if title is None and line.startswith("# "):
            title = re.sub(r"\(Preview\)", "", line[2:]).strip()
            continue
        if not in_table:
            if line.lstrip().startswith("|") and "column name" in line.lower():
                in_table = True
            continue
        if not line.lstrip().startswith("|"):
            if rows:
                break
            continue
        c = cells(line)
        if len(c) < 3 or set(c[0]) <= set("-: "):
            continue
        m = re.search(r"`([^`]+)`", c[0])
        name = (m.group(1) if m else c[0]).strip()
        ty = c[1].replace("`", "").strip().lower()
        desc = "|".join(c[2:]).strip()
        desc = re.sub(r"<br\s*/?>.*", "", desc).strip()
        rows.append((name, ty, desc))
    return title, source, rows, irm_names


def facts(names):
    return {"columns": len(names), "first": names[0], "last": names[-1]}


def render(out):
    """JSON with one column per line, so that a refresh diffs by column."""
    head = {k: v for k, v in out.items() if k != "columns"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    cols = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in out["columns"])
    return text + ',\n "columns": [\n' + cols + "\n ]\n}\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--irm")
    ap.add_argument("--source")
    ap.add_argument("pages", nargs="+")
    a = ap.parse_args()
    irm = json.load(open(a.irm)) if a.irm else {}

    parsed = []
    for path in a.pages:
        title, source, rows, irm_names = parse_page(open(path, encoding="utf-8").read())
        name = title or os.path.splitext(os.path.basename(path))[0]
        source = a.source or source or path
        parsed.append((name, source, rows, irm_names))

    # Descriptions for "=": DeviceEvents first, then the other pages in order.
    known = {}
    for name, _, rows, _ in sorted(parsed, key=lambda p: p[0] != "DeviceEvents"):
        for col, _, desc in rows:
            if desc != "=":
                known.setdefault(col, desc)

    for name, source, rows, irm_names in parsed:
        page_path = source.split("@")[0]
        slug = os.path.splitext(os.path.basename(page_path))[0].lower()
        out = {"name": name, "doc": LEARN + slug,
               "source": "MicrosoftDocs/defender-docs " + source}
        if name in irm:
            if isinstance(irm_names, tuple):
                n, first, last = irm_names
                out["page"] = {"columns": n, "first": first, "last": last}
            else:
                names = irm_names or [r[0] for r in rows]
                out["page"] = facts(names)
            cols = [{k: c[k] for k in ("name", "type", "description", "status")} for c in irm[name]]
            cols += IRM_EXTRA.get(name, [])
            out["page_statuses"] = sorted({c["status"] for c in cols if c["status"].startswith("documented")} & {"documented", "documented-2025-only"})
        else:
            cols = []
            for col, ty, desc in rows:
                if ty not in TYPES:
                    sys.exit(f"{name}.{col}: unknown type {ty!r}")
                if desc == "=":
                    if col not in known:
                        sys.exit(f"{name}.{col}: '=' but no other table describes it")
                    desc = known[col]
                cols.append({"name": col, "type": TYPES[ty], "description": desc})
            out["page"] = facts([c["name"] for c in cols])
        out["columns"] = cols
        dest = os.path.join(a.out, name + ".json")
        tmp = dest + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(render(out))
        os.replace(tmp, dest)
        print(f"{name}: {len(cols)} columns -> {dest}")


if __name__ == "__main__":
    main()
