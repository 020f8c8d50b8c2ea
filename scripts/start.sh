#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and starts Jupyter Notebook on notebooks/ with the tslab kernel.
# Open notebooks/01-quickstart.ipynb in the browser. Environment:
#   XL_IP    address to listen on (default 127.0.0.1; 0.0.0.0 to reach it from other machines)
#   XL_PORT  port (default 8888)
# Extra arguments are passed to `jupyter notebook`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"

JUPYTER=/usr/bin/jupyter
[ -x "$JUPYTER" ] || JUPYTER="$(command -v jupyter)"
IP="${XL_IP:-127.0.0.1}"
PORT="${XL_PORT:-8888}"
args=(notebook --notebook-dir="$ROOT/notebooks" --ip="$IP" --port="$PORT")
# No desktop (a server, a container, ssh): do not try to open a browser.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" != Darwin ]; then args+=(--no-browser); fi
# Jupyter refuses to run as root without this flag (containers usually run as root).
if [ "$(id -u)" -eq 0 ]; then args+=(--allow-root); fi

host="$IP"
[ "$host" = 0.0.0.0 ] && host="$(hostname -I 2>/dev/null | awk '{print $1}')" && host="${host:-localhost}"
echo
echo "Starting Jupyter Notebook on $ROOT/notebooks (stop with Ctrl-C twice)."
echo "Open the URL with the token that Jupyter prints below, e.g. http://$host:$PORT/?token=…,"
echo "then notebooks/01-quickstart.ipynb (kernel: TypeScript)."
echo
exec "$JUPYTER" "${args[@]}" "$@"
