#!/usr/bin/env bash
# Sets up everything exemplar-landmarks needs, installing only what is missing (safe to run again):
#   1. Node.js >= 20 (checked, not installed)
#   2. Debian/Ubuntu packages: jupyter-notebook jupyter-nbconvert python3-ipykernel chromium ffmpeg
#      (apt-get when root; otherwise stops and prints the exact sudo command)
#   3. Node packages: `npm ci` when node_modules is missing or older than package-lock.json
#   4. the build (dist/ and widgets/dist/) when missing or older than the sources
#   5. the link node_modules/exemplar-landmarks -> .. (tslab does not resolve a package's self-reference)
#   6. the tslab TypeScript kernel spec, pointing at this project's own tslab binary
# Usage: bash scripts/setup.sh [--no-build]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) echo "setup: unknown option '$arg' (known: --no-build)" >&2; exit 2 ;;
  esac
done

# Bold (red for errors) only on a terminal; plain text in logs.
say() { if [ -t 1 ]; then printf '\033[1msetup:\033[0m %s\n' "$*"; else printf 'setup: %s\n' "$*"; fi; }
die() {
  if [ -t 2 ]; then printf '\033[1;31msetup:\033[0m %s\n' "$*" >&2; else printf 'setup: %s\n' "$*" >&2; fi
  exit 1
}

# The Debian python that the Debian Jupyter packages use (a pyenv/conda python3 first on PATH has no Jupyter).
PY=/usr/bin/python3
JUPYTER=/usr/bin/jupyter

# --- 1. Node.js --------------------------------------------------------------------------------------
command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org, or: apt-get install nodejs npm)."
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js 20 or newer is required; found $(node --version)."
command -v npm >/dev/null || die "npm is required (it ships with Node.js; on Debian: apt-get install npm)."

# --- 2. System packages ------------------------------------------------------------------------------
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert python3-ipykernel chromium ffmpeg)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if command -v dpkg-query >/dev/null; then
  missing=()
  for p in jupyter-notebook jupyter-nbconvert python3-ipykernel ffmpeg; do installed "$p" || missing+=("$p"); done
  installed chromium || installed chromium-browser || missing+=(chromium) # Ubuntu: chromium-browser
  # Ubuntu has no 'chromium' package: its browser package is 'chromium-browser'.
  apt_names() {
    for p in "${missing[@]}"; do
      if [ "$p" = chromium ] && ! apt-cache show chromium >/dev/null 2>&1 &&
        apt-cache show chromium-browser >/dev/null 2>&1; then p=chromium-browser; fi
      printf '%s ' "$p"
    done
  }
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      read -r -a missing <<<"$(apt_names)"
      die "missing Debian packages: ${missing[*]}. Run this, then run this script again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists when any package is unknown to apt (a fresh machine has empty lists).
    for p in "${missing[@]}"; do
      if ! apt-cache show "$p" >/dev/null 2>&1; then
        say "apt-get update (package '$p' is not in the package lists yet)"
        apt-get update -q
        break
      fi
    done
    read -r -a to_install <<<"$(apt_names)"
    say "apt-get install ${to_install[*]}"
    apt-get install -y -q "${to_install[@]}"
  else
    say "Debian packages present (${APT_PACKAGES[*]})"
  fi
else
  [ -x "$JUPYTER" ] || JUPYTER="$(command -v jupyter || true)"
  [ -n "$JUPYTER" ] || die "not a Debian/Ubuntu system and no 'jupyter' found: install Jupyter Notebook
    (pip install notebook nbconvert ipykernel), Chromium and ffmpeg, then run this script again (see README)."
  PY="$(command -v python3)"
fi
[ -x "$JUPYTER" ] || die "$JUPYTER is missing although the packages are installed; reinstall jupyter-notebook."

# --- 3. Node packages --------------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (node_modules missing or older than package-lock.json)"
  npm ci --include=dev --no-audit --no-fund # tslab (the notebooks' kernel) is a devDependency
  touch node_modules/.package-lock.json
else
  say "node_modules up to date"
fi

# --- 4. Build ----------------------------------------------------------------------------------------
STAMP=dist/.build-stamp
if [ "$BUILD" = 1 ]; then
  if [ ! -f "$STAMP" ] || [ ! -d widgets/dist ] ||
    [ -n "$(find src widgets/src package.json tsconfig.json tsconfig.build.json -newer "$STAMP" -print -quit)" ]; then
    say "npm run build"
    npm run build
    touch "$STAMP"
  else
    say "build up to date (dist/, widgets/dist/)"
  fi
fi

# --- 5. Self link for notebooks ----------------------------------------------------------------------
if [ "$(readlink node_modules/exemplar-landmarks 2>/dev/null || true)" != ".." ]; then
  say "link node_modules/exemplar-landmarks -> .."
  rm -rf node_modules/exemplar-landmarks
  ln -s .. node_modules/exemplar-landmarks
fi

# --- 6. tslab kernel spec ----------------------------------------------------------------------------
TSLAB="$ROOT/node_modules/.bin/tslab"
kernel_json() { # prints the path of the registered tslab kernel.json, or nothing
  PYDEVD_DISABLE_FILE_VALIDATION=1 "$PY" -Xfrozen_modules=off -m jupyter_client.kernelspecapp list --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const k=JSON.parse(s).kernelspecs.tslab;
      if(k)console.log(k.resource_dir+"/kernel.json")}catch{}})'
}
argv0() { node -p 'JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).argv[0]' "$1"; }
KJ="$(kernel_json)"
if [ -z "$KJ" ] || [ ! -f "$KJ" ] || [ "$(argv0 "$KJ")" != "$TSLAB" ]; then
  say "register the tslab kernel ($TSLAB)"
  "$TSLAB" install --python="$PY" --binary="$TSLAB"
  KJ="$(kernel_json)"
  [ -n "$KJ" ] && [ -f "$KJ" ] || die "tslab install did not register a kernel named 'tslab'."
  if [ "$(argv0 "$KJ")" != "$TSLAB" ]; then
    # Older tslab versions ignore --binary: make argv[0] the absolute path ourselves.
    node -e 'const fs=require("fs");const [f,b]=process.argv.slice(1);const k=JSON.parse(fs.readFileSync(f,"utf8"));
      k.argv[0]=b;fs.writeFileSync(f+".tmp",JSON.stringify(k,null,1));fs.renameSync(f+".tmp",f)' "$KJ" "$TSLAB"
  fi
else
  say "tslab kernel registered ($KJ)"
fi
say "ready"
