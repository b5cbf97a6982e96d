#!/usr/bin/env bash
# The built book in a real browser: every page loads without a console error or a failed
# request, shows no raw `{{#` directive, shows every image, and every link and #anchor leads
# somewhere; the search box finds the gather chapter. See .ci/book-browser.js for the checks.
#
#   .ci/book-browser.sh [BOOK_DIR]               check the book (default book/book)
#   .ci/book-browser.sh --self-test [BOOK_DIR]   break a copy in known ways; each must be found
#
# Build the book first (mdbook build book). Installs what it needs: Debian's chromium with
# apt-get, and playwright-core (pinned, never a browser of its own) from npm into a cache
# folder outside the repository. Exits 0 when all is well, 1 on failures, 2 when it cannot
# check (no Chromium, no node 20): a check that did not run never passes.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_CORE_VERSION=1.65.1
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/aio-book-browser/playwright-core-$PLAYWRIGHT_CORE_VERSION

cannot() { echo "book-browser: cannot check: $*"; exit 2; }

if [ ! -x "$CHROMIUM" ]; then
  echo "book-browser: no $CHROMIUM: installing Debian's chromium (apt-get install -y chromium)"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null ||
    cannot "apt-get install chromium failed"
  [ -x "$CHROMIUM" ] || cannot "$CHROMIUM is still missing after installing chromium"
fi

command -v node >/dev/null || cannot "no node (node 20 or newer is needed for playwright-core)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  cannot "node $(node --version) is too old: playwright-core $PLAYWRIGHT_CORE_VERSION needs 20 or newer"

if [ ! -f "$CACHE/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || cannot "no npm to install playwright-core with"
  echo "book-browser: installing playwright-core@$PLAYWRIGHT_CORE_VERSION into $CACHE"
  # --ignore-scripts and the variable: no browser download, Debian's chromium is the browser.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$CACHE" --no-save --no-audit --no-fund \
    --ignore-scripts --loglevel=error "playwright-core@$PLAYWRIGHT_CORE_VERSION" ||
    cannot "npm install playwright-core@$PLAYWRIGHT_CORE_VERSION failed"
fi

exec node .ci/book-browser.js --playwright "$CACHE/node_modules/playwright-core" --chromium "$CHROMIUM" "$@"
