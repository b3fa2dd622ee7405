#!/usr/bin/env bash
# Builds Pledge's page assets: installs the exact npm packages of package-lock.json (no
# network install beyond what the lockfile names; install scripts are not run) and compiles
# pledge.scss into dist/pledge.css and copies the page scripts (*.js, each a file of its own:
# the Content-Security-Policy allows no inline script) into dist/; the server serves dist/
# under /assets/.
# Needs Node.js 20 or later and npm. Nothing it writes (node_modules/, dist/) is committed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm is not installed; install Node.js 20 or later (https://nodejs.org/en/download)" >&2
  exit 1
fi
# The Sass compiler and govuk-frontend need Node.js 20 or later; older distributions ship
# older ones (Debian 12 has 18), which fail later with errors that do not say why.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "build.sh: Node.js $(node --version 2>/dev/null || echo '(none)') is too old; the page build needs Node.js 20 or later." >&2
  echo "  Install it from https://nodejs.org/en/download (or NodeSource's apt repository), then run this again." >&2
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
