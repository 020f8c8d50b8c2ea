#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and starts Jupyter on notebooks/ with the tslab kernel:
#   JupyterLab when it is installed (system-wide, or in the project-local virtual environment
#   .cache/jupyterlab-venv), or when pip can install it there (Debian's pip refuses system installs, hence
#   the venv); the attempt is bounded (XL_LAB_TIMEOUT, default 60 s) so that a machine without a reachable
#   package index falls back quickly, and a failed attempt is not retried for a day. Otherwise Debian's
#   classic Notebook. It says which it started. The widgets are self-contained HTML and work in both.
# Open notebooks/01-quickstart.ipynb in the browser. Environment:
#   XL_IP        address to listen on (default 127.0.0.1; 0.0.0.0 to reach it from other machines)
#   XL_PORT      port (default 8888)
#   XL_FRONTEND  lab | notebook | auto (default auto: JupyterLab when possible, else the classic Notebook)
#   XL_LAB_TIMEOUT  seconds the JupyterLab install may take (default 60)
# Extra arguments are passed to `jupyter lab` / `jupyter notebook`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"

say() { printf 'start: %s\n' "$*"; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)"
CLASSIC=/usr/bin/jupyter
[ -x "$CLASSIC" ] || CLASSIC="$(command -v jupyter)"
VENV="$ROOT/.cache/jupyterlab-venv"
FAILED="$ROOT/.cache/jupyterlab-install.failed"
TSLAB="$ROOT/node_modules/.bin/tslab"
FRONTEND="${XL_FRONTEND:-auto}"
case "$FRONTEND" in lab | notebook | auto) ;; *) echo "start: XL_FRONTEND must be lab, notebook or auto, got '$FRONTEND'" >&2; exit 2 ;; esac

has_lab() { [ -x "$1" ] && "$1" lab --version >/dev/null 2>&1; }

# Tries to pip-install JupyterLab into $VENV within the time limit; prints why on failure.
install_lab() {
  local limit="${XL_LAB_TIMEOUT:-60}" log
  log="$(mktemp)"
  say "JupyterLab is not installed: trying pip install jupyterlab into ${VENV#"$ROOT"/} (at most ${limit} s)"
  mkdir -p "$ROOT/.cache"
  if timeout "$limit" "$PY" -m venv "$VENV" >"$log" 2>&1 &&
    timeout "$limit" "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
      --timeout 10 --retries 0 jupyterlab >>"$log" 2>&1 && has_lab "$VENV/bin/jupyter"; then
    rm -f "$FAILED" "$log"
    return 0
  fi
  say "could not install JupyterLab (no reachable package index, or python3-venv missing); last lines:"
  tail -n 3 "$log" | sed 's/^/    /'
  rm -rf "$VENV" "$log"
  date -u +%FT%TZ >"$FAILED"
  return 1
}

JUPYTER="" APP=notebook NAME="the classic Jupyter Notebook (Debian)"
if [ "$FRONTEND" != notebook ]; then
  for j in "$VENV/bin/jupyter" "$CLASSIC" "$(command -v jupyter || true)"; do
    if [ -n "$j" ] && has_lab "$j"; then JUPYTER="$j"; break; fi
  done
  # A failed install is retried after a day, or at once with XL_FRONTEND=lab.
  if [ -z "$JUPYTER" ] && { [ "$FRONTEND" = lab ] || [ ! -f "$FAILED" ] || [ -n "$(find "$FAILED" -mmin +1440 -print)" ]; }; then
    install_lab && JUPYTER="$VENV/bin/jupyter"
  elif [ -z "$JUPYTER" ]; then
    say "JupyterLab install failed on $(cat "$FAILED"); not retrying today (XL_FRONTEND=lab retries now)"
  fi
  if [ -n "$JUPYTER" ]; then APP=lab NAME="JupyterLab $("$JUPYTER" lab --version)"; fi
  if [ -z "$JUPYTER" ] && [ "$FRONTEND" = lab ]; then echo "start: XL_FRONTEND=lab but JupyterLab is unavailable" >&2; exit 1; fi
fi
[ -n "$JUPYTER" ] || JUPYTER="$CLASSIC"

# The tslab kernel for whichever runs: setup.sh registered it in the user's kernel folder, which every
# Jupyter finds; check that this Jupyter's Python sees it pointing at this project's tslab, else register
# it with that Python (Debian's `jupyter` has no kernelspec subcommand: ask jupyter_client directly).
KPY="$PY"
[ "$JUPYTER" = "$VENV/bin/jupyter" ] && KPY="$VENV/bin/python"
KERNEL_ARGV0="$(PYDEVD_DISABLE_FILE_VALIDATION=1 "$KPY" -Xfrozen_modules=off -m jupyter_client.kernelspecapp list --json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const fs=require("fs");
    const k=JSON.parse(s).kernelspecs.tslab;console.log(JSON.parse(fs.readFileSync(k.resource_dir+"/kernel.json","utf8")).argv[0])}catch{}})' ||
  true)"
if [ "$KERNEL_ARGV0" != "$TSLAB" ]; then
  say "register the tslab kernel for $JUPYTER"
  "$TSLAB" install --python="$KPY" --binary="$TSLAB"
else
  say "tslab kernel registered for $JUPYTER"
fi

IP="${XL_IP:-127.0.0.1}"
PORT="${XL_PORT:-8888}"
args=("$APP" --notebook-dir="$ROOT/notebooks" --ip="$IP" --port="$PORT")
# No desktop (a server, a container, ssh): do not try to open a browser.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" != Darwin ]; then args+=(--no-browser); fi
# Jupyter refuses to run as root without this flag (containers usually run as root).
if [ "$(id -u)" -eq 0 ]; then args+=(--allow-root); fi

host="$IP"
[ "$host" = 0.0.0.0 ] && host="$(hostname -I 2>/dev/null | awk '{print $1}')" && host="${host:-localhost}"
echo
echo "Starting $NAME on $ROOT/notebooks (stop with Ctrl-C twice)."
echo "Open the URL with the token that Jupyter prints below, e.g. http://$host:$PORT/?token=…,"
echo "then notebooks/01-quickstart.ipynb (kernel: TypeScript)."
echo
exec "$JUPYTER" "${args[@]}" "$@"
