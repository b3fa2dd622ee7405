#!/usr/bin/env bash
# Development build of Pledge's page assets, for PLEDGE_ASSETS_DIR: installs the exact npm
# packages of package-lock.json (install scripts are not run) unless node_modules/ already
# holds them, compiles pledge.scss into dist/pledge.css and copies the page scripts (*.js) and
# govuk-frontend's images into dist/. Run the server with
#   PLEDGE_ASSETS_DIR=crates/web/assets/dist cargo run -p pledge -- demo
# and an edited stylesheet shows after this script and a reload, without rebuilding Rust.
# A normal build does not need this script: crates/web/build.rs runs the same steps and
# embeds the files in the binary (docs/pages.md, "Styles (assets)"). It also installs
# node_modules/, whose axe-core the browser tests inject.
# Needs Node.js 20.19 or later and npm. Nothing it writes (node_modules/, dist/) is committed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm is not installed; install Node.js 20.19 or later (https://nodejs.org/en/download)" >&2
  exit 1
fi
# The Sass compiler needs Node.js 20.19 or later; older distributions ship older ones
# (Debian 12 has 18), which fail later with errors that do not say why.
node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
IFS=. read -r node_major node_minor _ <<<"$node_version"
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  echo "build.sh: Node.js $node_version is too old; the page build needs Node.js 20.19 or later." >&2
  echo "  Install it from https://nodejs.org/en/download (or NodeSource's apt repository), then run this again." >&2
  exit 1
fi
# The lock build.rs takes too: npm ci must never run twice at once over node_modules/.
exec 9>.build.lock
flock 9
stamp=node_modules/.pledge-lockfile-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "${PLEDGE_ASSETS_SKIP_INSTALL:-}" != "1" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$want" > "$stamp"
fi
mkdir -p dist
node node_modules/sass/sass.js --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules pledge.scss dist/pledge.css
cp ./*.js dist/
cp -r node_modules/govuk-frontend/dist/govuk/assets/images dist/
echo "built $(pwd)/dist/pledge.css ($(wc -c < dist/pledge.css) bytes)"
