#!/usr/bin/env bash
# The reliability probe of issue 11 (docs/reliability.md), one case per class: runs a release
# `hunt` on each hostile input under `/usr/bin/time -v` with a 60 s timeout and checks that it
# ends with exit 0, 1 or 2, within 60 s, and (where a --memory-limit is given) within that
# limit plus the process's own ~100 MB. Not run in CI: it takes a minute or two and measures
# memory. Prints a markdown table.
#
#   cargo build --release -p hunt-cli
#   benches/reliability-probe.sh [path/to/hunt] [work-dir]
set -u
HUNT=${1:-target/release/hunt}
WORK=${2:-$(mktemp -d)}
mkdir -p "$WORK"
DATA="$WORK/data"
if [ ! -f "$DATA/.hunt-complete" ] && [ ! -d "$DATA/DataSecurityEvents" ]; then
    "$HUNT" gen --events 200000 --out "$DATA" >/dev/null 2>&1
fi
FAIL=0

# case NAME LIMIT_MIB CMD... : LIMIT_MIB 0 means no RSS bound is checked.
case_() {
    local name=$1 limit=$2
    shift 2
    local log="$WORK/time.txt" out="$WORK/out.txt"
    /usr/bin/time -v -o "$log" timeout 60 "$@" >"$out" 2>&1
    local code
    code=$(sed -n 's/^\s*Exit status: //p' "$log")
    [ -z "$code" ] && code=$(grep -o 'exited with non-zero status [0-9]*' "$log" | grep -o '[0-9]*$')
    local rss secs
    rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$log")
    secs=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
    local mib=$(( ${rss:-0} / 1024 ))
    local verdict=ok
    case "$code" in 0 | 1 | 2) ;; *) verdict="exit $code" ;; esac
    if [ "$limit" -gt 0 ] && [ "$mib" -gt $(( limit + 100 )) ]; then verdict="RSS past limit"; fi
    local first
    first=$(grep -m1 -v '^\s*$' "$out" | cut -c1-90 | tr '|' '/')
    [ "$verdict" = ok ] || FAIL=1
    printf '| %s | %s | %s | %s MB | %s | %s |\n' "$name" "$code" "$secs" "$mib" "$verdict" "$first"
}

H=("$HUNT" --data "$DATA")

lets() { # N lets each doubling the last: lets N 'init' 'f(prev, prev)' 'use'
    python3 - "$@" <<'EOF'
import sys
n, init, step, use = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
q = f"let v0 = {init};"
for i in range(1, n + 1):
    q += f"let v{i} = " + step.replace("PREV", f"v{i-1}") + ";"
print(q + use.replace("LAST", f"v{n}"))
EOF
}

echo "| case | exit | time | max RSS | verdict | first line of output |"
echo "| --- | --- | --- | --- | --- | --- |"

# Damaged files: a footer and a data page with flipped bytes.
DMG="$WORK/damaged"
rm -rf "$DMG"; mkdir -p "$DMG/AlertInfo"
src=$(find "$DATA/AlertInfo" -name '*.parquet' | head -1)
python3 - "$src" "$DMG/AlertInfo/a.parquet" "$DMG/AlertInfo/b.parquet" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
foot = bytearray(b); n = int.from_bytes(b[-8:-4], 'little')
for i in range(len(b) - 8 - n, len(b) - 8, 7): foot[i] ^= 0x5a
open(sys.argv[2], 'wb').write(foot)
page = bytearray(b)
for i in range(8, min(len(b) // 2, 4000), 13): page[i] ^= 0xff
open(sys.argv[3], 'wb').write(page)
EOF
case_ "damaged footer and page" 0 "$HUNT" --data "$DMG" "AlertInfo | count"

# Runaway queries.
case_ "string column past 2 GiB (10M × 300 chars), limit 1 GiB" 1024 "${H[@]}" --memory-limit 1GiB "range x from 1 to 10000000 step 1 | extend s = strrep('x', 300) | summarize sum(strlen(s))"
case_ "nested strrep" 0 "${H[@]}" "print strlen(strrep(strrep(strrep('x', 1000), 1000), 1000))"
case_ "make_list + strcat_array past 2 GiB, limit 1 GiB" 1024 "${H[@]}" --memory-limit 1GiB "range x from 1 to 10000000 step 1 | summarize l = make_list(strrep('y', 300)) | project strlen(strcat_array(l, ''))"
case_ "26 lets doubling a string" 0 "${H[@]}" "$(lets 26 "'ab'" 'strcat(PREV, PREV)' 'print strlen(LAST)')"
case_ "26 lets doubling a number" 0 "${H[@]}" "$(lets 26 1 'PREV + PREV' 'print LAST')"
case_ "26 lets doubling a table" 0 "${H[@]}" "$(lets 26 'range x from 1 to 2 step 1' 'union PREV, PREV' 'LAST | count')"
# Queries longer than an argument may be (128 KiB) go through a file.
python3 -c "print(''.join(f'let v{i} = v{i-1} + 1;' for i in range(1, 10001)).replace('v0 + 1', '1') + 'print v10000')" >"$WORK/lets.kql"
python3 -c "print('AlertInfo ' + ' '.join(f'| extend c{i} = {i}' for i in range(8000)) + ' | count')" >"$WORK/extends.kql"
case_ "10,000 chained lets" 0 "${H[@]}" -f "$WORK/lets.kql"
case_ "8,000 chained extends" 0 "${H[@]}" -f "$WORK/extends.kql"
case_ "exploding join | take 5" 0 "${H[@]}" "DeviceProcessEvents | join (DeviceProcessEvents) on ActionType | take 5"
case_ "exploding join, limit 256 MiB" 256 "${H[@]}" --memory-limit 256MiB "DeviceProcessEvents | join (DeviceProcessEvents) on ActionType"
case_ "exploding join, limit 256 MiB, --out" 256 "${H[@]}" --memory-limit 256MiB --out "$WORK/join.csv" "DeviceProcessEvents | join (DeviceProcessEvents) on ActionType"
case_ "mv-expand of 1,000 × 100,000 | take 5" 0 "${H[@]}" "range x from 1 to 1000 step 1 | extend a = range(1, 100000, 1) | mv-expand a | take 5"
case_ "make_list of 10M strings, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 10000000 step 1 | summarize make_list(tostring(x))"
case_ "summarize by 10M keys, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 10000000 step 1 | summarize count() by tostring(x) | count"
case_ "window functions over 10M rows, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 10000000 step 1 | serialize n = row_number(), p = prev(x) | where n == 1"
case_ "top-nested over 10M rows, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 10000000 step 1 | top-nested 3 of k = x % 10 by c = count()"
case_ "make-series 1,000 × 1M bins, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 1000 step 1 | make-series c = count() default = 0 on x from 1 to 1000000 step 1 by k = x | count"
case_ "make-graph of 3M edges, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 3000000 step 1 | extend s = strcat('n', x), t = strcat('n', x + 1) | make-graph s --> t | graph-to-table edges | count"
case_ "mv-apply over 1,000 × 100,000, limit 64 MiB" 64 "${H[@]}" --memory-limit 64MiB "range x from 1 to 1000 step 1 | extend a = range(1, 100000, 1) | mv-apply a to typeof(long) on (extend s = strcat('v', a)) | count"
case_ "per-row range() of 1,000 × 100,000, limit 256 MiB" 256 "${H[@]}" --memory-limit 256MiB "range x from 1 to 1000 step 1 | extend a = range(x, x + 100000, 1) | summarize sum(array_length(a))"
case_ "DataSecurityEvents, table format" 0 "${H[@]}" DataSecurityEvents
case_ "range of 10M rows to csv, limit 64 MiB" 64 sh -c "'$HUNT' --data '$DATA' --memory-limit 64MiB --format csv 'range x from 1 to 10000000 step 1' >/dev/null"

# The file system.
LOOP="$WORK/loop"
rm -rf "$LOOP"; mkdir -p "$LOOP"; cp -r "$DATA/AlertInfo" "$LOOP/AlertInfo"
ln -s . "$LOOP/AlertInfo/self"; ln -s .. "$LOOP/AlertInfo/parent"
case_ "symlink loops (. and ..)" 0 "$HUNT" --data "$LOOP" "AlertInfo | count"
case_ "  the same without links" 0 "$HUNT" --data "$DATA" "AlertInfo | count"

# Data loss.
case_ "hunt gen into a non-empty folder" 0 "$HUNT" gen --events 100 --out "$LOOP"

# Messages and flags.
case_ "--threads 65535" 0 "${H[@]}" --threads 65535 "AlertInfo | count"
case_ "100k-character invalid literal" 0 "${H[@]}" "print datetime($(head -c 100000 /dev/zero | tr '\0' 'x'))"
case_ "error in a 100k-character line" 0 "${H[@]}" "print a = 1 + $(head -c 50000 /dev/zero | tr '\0' 'x') Nmae $(head -c 50000 /dev/zero | tr '\0' 'x')"
printf '%s\n' "  (that error printed $("${H[@]}" "print a = 1 + $(head -c 50000 /dev/zero | tr '\0' 'x') Nmae" 2>&1 | wc -c) bytes)"

exit $FAIL
