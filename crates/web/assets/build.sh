#!/usr/bin/env bash
# Builds Pledge's page assets: installs the exact npm packages of package-lock.json (no
# network install beyond what the lockfile names; install scripts are not run) and compiles
# pledge.scss into dist/pledge.css, which the web server serves at /assets/pledge.css.
# Needs Node.js 20 or later and npm. Nothing it writes (node_modules/, dist/) is committed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm is not installed; install Node.js 20+ (e.g. apt-get install -y nodejs npm)" >&2
  exit 1
fi
if [ "${PLEDGE_ASSETS_SKIP_INSTALL:-}" != "1" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
mkdir -p dist
npx --no-install sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  pledge.scss dist/pledge.css
cp ./*.js dist/
echo "built $(pwd)/dist/pledge.css ($(wc -c < dist/pledge.css) bytes)"
