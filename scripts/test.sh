#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the tests: `npm test` (type-check, lint, unit tests,
# browser tests). With --setup-only it stops after the setup (CI runs the suites itself).
# Usage: bash scripts/test.sh [--setup-only] [--no-build]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
setup_args=()
setup_only=0
for arg in "$@"; do
  case "$arg" in
    --setup-only) setup_only=1 ;;
    --no-build) setup_args+=(--no-build) ;;
    *) echo "test.sh: unknown option '$arg' (known: --setup-only, --no-build)" >&2; exit 2 ;;
  esac
done
bash scripts/setup.sh ${setup_args[@]+"${setup_args[@]}"}
[ "$setup_only" = 1 ] && exit 0
npm test
