#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need, only where it is missing:
#   - Debian's chromium package (/usr/bin/chromium), driven by Playwright for
#     Python; Playwright's own browser download is never used;
#   - axe-core from the npm registry into node_modules/, exactly as pinned in
#     package-lock.json (npm ci), injected into the page for accessibility checks.
# Run from anywhere; installing Debian packages needs root.
set -euo pipefail

cd "$(dirname "$0")/.."

apt_updated=false
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "ensure_chromium: installing $* needs root (run: sudo $0)" >&2
        exit 1
    fi
    if [ "$apt_updated" = false ]; then
        echo "ensure_chromium: apt-get update"
        apt-get update -q
        apt_updated=true
    fi
    echo "ensure_chromium: apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

if [ -x /usr/bin/chromium ]; then
    echo "ensure_chromium: chromium already installed"
else
    echo "ensure_chromium: /usr/bin/chromium is missing; installing Debian's chromium"
    apt_install chromium
fi
# (stderr dropped: Debian's wrapper prints a harmless "[: ... unexpected operator".)
echo "ensure_chromium: $(/usr/bin/chromium --version 2> /dev/null)"

if [ -f node_modules/axe-core/axe.min.js ]; then
    echo "ensure_chromium: axe-core already installed in node_modules/"
else
    if ! command -v npm > /dev/null; then
        echo "ensure_chromium: npm is missing; installing Debian's nodejs and npm"
        apt_install nodejs npm
    fi
    echo "ensure_chromium: node_modules/axe-core is missing; running npm ci"
    npm ci --no-audit --no-fund
fi
echo "ensure_chromium: axe-core $(node -p 'require("./node_modules/axe-core/package.json").version')"
