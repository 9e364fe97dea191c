#!/bin/bash
# Runs the editor end-to-end tests against the release build of northflank-lsp:
#   vscode  — unit tests of the extension, then code-server + Playwright + Chromium (.vsix installed)
#   neovim  — the shipped Lua plugin in headless Neovim 0.7.2 (apt) and 0.11.x (PyPI)
#   helix   — the shipped languages.toml in Helix (Debian trixie) driven through tmux
# Usage: tests/editors/run.sh [vscode|neovim|helix|all]...   (default: all)
# Tools: tests/editors/install.sh (same arguments). Builds target/release/northflank-lsp first
# unless it is newer than the sources (NFLS_SERVER=/path/to/northflank-lsp uses another binary).
# Env: NFLS_EDITOR_FEATURES (default completion,hover; `none` turns those checks off, e.g. while
#      a feature is reworked); NFLS_EDITOR_OUT (default /tmp/nfls-editor-tests) keeps logs and
#      screenshots; NFLS_UPDATE_SCREENSHOTS=1 refreshes the PNGs under editors/*/images/.
# Prints every check as OK/FAIL/SKIP and ends with "N passed, M failed"; exits 1 on any failure.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"

WANT=("$@"); [ ${#WANT[@]} = 0 ] && WANT=(all)
want() { local w; for w in "${WANT[@]}"; do [ "$w" = all ] || [ "$w" = "$1" ] && return 0; done; return 1; }
for w in "${WANT[@]}"; do case $w in vscode|neovim|helix|all) ;; *) echo "unknown editor: $w" >&2; exit 2;; esac; done

# the tests never talk to the Northflank API: no token from the environment (the server reads it)
unset NORTHFLANK_API_TOKEN
OUTROOT=${NFLS_EDITOR_OUT:-/tmp/nfls-editor-tests}
rm -rf "$OUTROOT"; mkdir -p "$OUTROOT"
PASSED=0; FAILED=0
ms() { date +%s%3N; }

# ---- the server ---------------------------------------------------------------------------------
SERVER=${NFLS_SERVER:-$REPO/target/release/northflank-lsp}
if [ -z "${NFLS_SERVER:-}" ]; then
  newest=$(find "$REPO/server" "$REPO/Cargo.toml" "$REPO/Cargo.lock" "$REPO/schemas" -newer "$SERVER" -type f \
             \( -name '*.rs' -o -name '*.toml' -o -name '*.lock' -o -name '*.json' \) -print -quit 2>/dev/null)
  if [ ! -x "$SERVER" ] || [ -n "$newest" ]; then
    t=$(ms); echo "== cargo build --release -p nfls-lsp"
    (cd "$REPO" && cargo build --release -p nfls-lsp) || { echo "0 passed, 1 failed"; exit 1; }
    echo "   built in $(( ($(ms) - t) / 1000 )) s"
  fi
fi
[ -x "$SERVER" ] || { echo "no server binary at $SERVER"; echo "0 passed, 1 failed"; exit 1; }
echo "server: $SERVER ($("$SERVER" --version 2>&1 | head -1))"
[ -n "${NFLS_EDITOR_FEATURES:-}" ] && echo "language feature checks: $NFLS_EDITOR_FEATURES"

# run_test NAME TIMEOUT_S COMMAND...: runs one editor test, shows and counts its OK/FAIL lines
run_test() {
  local name=$1 limit=$2; shift 2
  local log=$OUTROOT/$name.log t rc ok fail
  echo "== $name"
  t=$(ms)
  timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
  rc=$?
  grep -E '^(OK|FAIL|SKIP) ' "$log" | sed 's/^/   /'
  ok=$(grep -c '^OK ' "$log"); fail=$(grep -c '^FAIL ' "$log")
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
    fail=1
    [ "$rc" = 124 ] && echo "   FAIL $name: timed out after ${limit}s" || echo "   FAIL $name: exit code $rc"
    tail -15 "$log" | sed 's/^/   | /'
  fi
  PASSED=$((PASSED + ok)); FAILED=$((FAILED + fail))
  printf '   %s: %d passed, %d failed in %d.%d s (log: %s)\n' "$name" "$ok" "$fail" $(( ($(ms) - t) / 1000 )) $(( ($(ms) - t) % 1000 / 100 )) "$log"
}

# a fresh copy of the fixture workspace, as a Git repository (its root is what the clients detect)
WSROOT=$(mktemp -d /tmp/nfls-editor-ws.XXXXXX)
trap 'rm -rf "$WSROOT"' EXIT
fresh_ws() {
  local dir
  dir=$(mktemp -d "$WSROOT/ws.XXXXXX")
  cp -r "$REPO/tests/editors/fixtures/ws/." "$dir/"
  (cd "$dir" && git init -q . 2>/dev/null || mkdir -p .git)
  echo "$dir"
}

if want vscode; then
  # the extension's unit tests (node:test, TAP so that each test is counted here)
  run_test vscode-unit 180 bash -c "cd '$REPO/editors/vscode' && export PATH='$NODE24/bin':\$PATH &&
    npx tsc -p tsconfig.test.json && node --test --test-reporter=tap out/test/*.test.js |
    sed -E 's/^ok [0-9]+ - (.*)/OK   unit: \\1/; s/^not ok [0-9]+ - (.*)/FAIL unit: \\1/'; exit \${PIPESTATUS[0]}"
  run_test vscode 300 "$HERE/vscode/run-vscode.sh" "$SERVER" "$OUTROOT/vscode"
fi

if want neovim; then
  # the same driver: setup() on 0.7 (start_client path) and 0.11 (vim.lsp.config path), and the
  # native route without setup() (lsp/northflank.lua + vim.lsp.enable) on 0.11
  for nv in "0.7:$NVIM07:init.lua" "0.11:$NVIM011:init.lua" "0.11-native:$NVIM011:init-native.lua"; do
    IFS=: read -r label bin init <<< "$nv"
    ws=$(fresh_ws)
    run_test "neovim-$label" 90 bash -c "cd '$ws' && NFLS_REPO='$REPO' NFLS_SERVER='$SERVER' OUT='$OUTROOT/neovim-$label.txt' \
      '$bin' --headless -u '$HERE/neovim/$init' -c 'luafile $HERE/neovim/e2e.lua' shop-template.json </dev/null; rc=\$?; cat '$OUTROOT/neovim-$label.txt'; exit \$rc"
  done
  if [ "${NFLS_UPDATE_SCREENSHOTS:-0}" = 1 ]; then
    mkdir -p "$REPO/editors/neovim/images"
    "$HERE/neovim/screen.sh" "$NVIM011" "$SERVER" "$(fresh_ws)" "$OUTROOT/neovim-screen.ansi" &&
      python3 "$HERE/term2png.py" "$OUTROOT/neovim-screen.ansi" "$REPO/editors/neovim/images/neovim.png" 110 26 &&
      echo "   screenshot: editors/neovim/images/neovim.png"
  fi
fi

if want helix; then
  ws=$(fresh_ws)
  run_test helix 90 env HX="$HX" "$HERE/helix/hx_e2e.sh" "$SERVER" "$ws" "$OUTROOT/helix"
  if [ "${NFLS_UPDATE_SCREENSHOTS:-0}" = 1 ] && [ -s "$OUTROOT/helix/screen.ansi" ]; then
    mkdir -p "$REPO/editors/helix/images"
    python3 "$HERE/term2png.py" "$OUTROOT/helix/screen.ansi" "$REPO/editors/helix/images/helix.png" 140 35 &&
      echo "   screenshot: editors/helix/images/helix.png"
  fi
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
