#!/bin/sh
# Installs dependencies from the lockfile when node_modules is missing or older than the lock,
# so the README's commands work on a fresh clone. Builds dist/ (tsc) and dist/web/ (vite) when missing
# or older than their sources ("npm ci" runs the same build through the "prepare" script).
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
if [ ! -f dist/web/index.html ] || [ -n "$(find web vite.config.ts -newer dist/web/index.html -print -quit)" ]; then
  echo "organ-audit: building the web app (vite)..." >&2
  npx vite build --logLevel warn >&2
fi
