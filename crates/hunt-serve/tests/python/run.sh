#!/usr/bin/env bash
# Runs test_kusto_client.py: Microsoft's Kusto Python client (azure-kusto-data, installed
# into a venv from PyPI) against a real `hunt serve` on a loopback port.
# Called by .ci/run; skips (exit 0, with a message) only when python3 is absent.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIPPED: the azure-kusto-data client test needs python3, which is not installed" >&2
  exit 0
fi

VENV=$TARGET/kusto-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian ships venv support separately.
    if command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -q python3-venv >/dev/null
    fi
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
fi
if ! "$VENV/bin/python" -c "import azure.kusto.data" 2>/dev/null; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "azure-kusto-data>=5,<7"
fi

cargo build -q -p hunt-cli
HUNT_BIN=$TARGET/debug/hunt
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$HUNT_BIN" gen --events 5000 --out "$WORK/data" 2>/dev/null
TOKEN=$("$HUNT_BIN" token add --tokens "$WORK/tokens.json" --principal notebook@contoso.com --roles "Security Reader" 2>/dev/null)
NOW=2025-07-01T00:00:00Z
"$HUNT_BIN" serve --data "$WORK/data" --tokens "$WORK/tokens.json" --now "$NOW" --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVER_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -1 || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "hunt serve did not start:" >&2
  cat "$WORK/serve.log" >&2
  exit 1
fi
HUNT_URL=$URL HUNT_TOKEN=$TOKEN HUNT_BIN=$HUNT_BIN HUNT_DATA=$WORK/data HUNT_NOW=$NOW \
  "$VENV/bin/python" crates/hunt-serve/tests/python/test_kusto_client.py
