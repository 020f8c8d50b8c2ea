#!/usr/bin/env bash
# Executes notebooks headless with the tslab kernel in quick mode and reports PASS/FAIL per notebook.
# Execution is nbclient's (the engine of `jupyter nbconvert --execute`, through scripts/execute-notebook.py):
# a cell that raises fails its notebook, execution stops there, and the failing cell's stderr is shown.
# The executed copies go to a temporary folder (kept and named on failure); notebooks/ is never modified.
# Usage: bash scripts/run-notebooks.sh [notebooks/NAME.ipynb …]   (default: every notebooks/*.ipynb)
# Environment: XL_QUICK (default 1), XL_CELL_TIMEOUT seconds per cell (default 900),
#              XL_NOTEBOOK_TIMEOUT seconds per notebook (default 1500), XL_NOTEBOOK_OUT output folder.
# Last line: "notebooks: N passed, N failed". Exit status 1 when any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export XL_QUICK="${XL_QUICK:-1}"
PY=/usr/bin/python3 # the Debian python with Jupyter (a pyenv python3 first on PATH has none)
[ -x "$PY" ] || PY="$(command -v python3)"
OUT="${XL_NOTEBOOK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/xl-notebooks.XXXXXX")}"
mkdir -p "$OUT"

# A private 'tslab' kernel spec that runs this checkout's tslab, whatever is registered globally (another
# clone's setup may have pointed the global spec elsewhere); JUPYTER_PATH comes first in Jupyter's search.
TSLAB="$ROOT/node_modules/.bin/tslab"
[ -x "$TSLAB" ] || { echo "run-notebooks: $TSLAB is missing; run bash scripts/setup.sh first" >&2; exit 1; }
mkdir -p "$OUT/jupyter/kernels/tslab"
printf '{"argv": ["%s", "kernel", "--config-path", "{connection_file}"], "display_name": "TypeScript", "language": "typescript"}\n' \
  "$TSLAB" >"$OUT/jupyter/kernels/tslab/kernel.json"
export JUPYTER_PATH="$OUT/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

if [ "$#" -gt 0 ]; then nbs=("$@"); else nbs=(notebooks/*.ipynb); fi
if [ ! -e "${nbs[0]}" ]; then
  echo "notebooks: 0 passed, 0 failed (no notebooks found)"
  exit 0
fi

passed=0
failed=0
for nb in "${nbs[@]}"; do
  name="$(basename "$nb" .ipynb)"
  [ "$name" != jupyter ] || name=jupyter-notebook # keep clear of the kernel spec folder
  log="$OUT/$name.log"
  start=$(date +%s)
  if timeout "${XL_NOTEBOOK_TIMEOUT:-1500}" "$PY" scripts/execute-notebook.py "$nb" "$OUT/$name.ipynb" \
    --kernel tslab --timeout "${XL_CELL_TIMEOUT:-900}" >"$log" 2>&1; then
    echo "PASS $nb ($(($(date +%s) - start)) s)"
    passed=$((passed + 1))
  else
    echo "FAIL $nb ($(($(date +%s) - start)) s); executed copy and log in $OUT"
    [ -s "$log" ] || echo "  (no output: killed after ${XL_NOTEBOOK_TIMEOUT:-1500} s?)" >"$log"
    tail -n 40 "$log"
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ] && [ -z "${XL_NOTEBOOK_OUT:-}" ] && rm -rf "$OUT"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
