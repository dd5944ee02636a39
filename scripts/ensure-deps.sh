#!/bin/sh
# Installs dependencies from the lockfile when node_modules is missing or older than the lock,
# so the README's commands work on a fresh clone. Builds dist/ through the "prepare" script.
set -e
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "organ-audit: installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -name '*.ts' -newer dist/cli/main.js -print -quit)" ]; then
  echo "organ-audit: building (tsc)..." >&2
  npx tsc -p tsconfig.build.json >&2
fi
