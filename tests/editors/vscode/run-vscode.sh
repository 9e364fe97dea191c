#!/bin/bash
# VS Code end-to-end test: packages editors/vscode as a .vsix with the server binary bundled,
# installs it into code-server, starts code-server on loopback and drives it with drive.js.
# Usage: run-vscode.sh SERVER OUTDIR     (tools from tests/editors/install.sh vscode)
# Env: NFLS_UPDATE_SCREENSHOTS=1 copies the screenshots to editors/vscode/images/.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
. "$HERE/../lib.sh"
SERVER=$1; OUT=$2
export PATH=$NODE24/bin:$PATH
WORK=$(mktemp -d /tmp/nfls-vscode.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
for tool in "$CODE_SERVER" "$CHROMIUM" "$NODE24/bin/node"; do
  [ -x "$tool" ] || { echo "FAIL setup: $tool missing (run tests/editors/install.sh vscode)"; echo "RESULT 0 passed, 1 failed"; exit 1; }
done

t=$(date +%s%3N)
VSIX=$WORK/northflank-lsp.vsix
if ! (cd "$REPO/editors/vscode" && NFLS_VSIX_OUT=$VSIX npm run -s package:bundled -- "$SERVER") > "$OUT/package.log" 2>&1; then
  tail -20 "$OUT/package.log"; echo "FAIL package the .vsix (see $OUT/package.log)"; echo "RESULT 0 passed, 1 failed"; exit 1
fi
echo "OK   package .vsix with the server bundled: $(du -k "$VSIX" | cut -f1) KB ($(( $(date +%s%3N) - t )) ms)"

# code-server keeps everything (settings, extensions, its own config) under $WORK
USER_DIR=$WORK/user; EXT_DIR=$WORK/ext
mkdir -p "$USER_DIR/User" "$EXT_DIR"
export XDG_CONFIG_HOME=$WORK/xdg XDG_DATA_HOME=$WORK/xdg-data
cat > "$USER_DIR/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "json.validate.enable": true,
  "editor.wordBasedSuggestions": "off",
  "northflank.files": { "legacy/*.json": "template" },
  "northflank.diagnostics.debounceMs": 0,
  "northflank.api.baseUrl": "http://127.0.0.1:9"
}
JSON
t=$(date +%s%3N)
if ! "$CODE_SERVER" --user-data-dir "$USER_DIR" --extensions-dir "$EXT_DIR" --install-extension "$VSIX" > "$OUT/install-extension.log" 2>&1; then
  cat "$OUT/install-extension.log"; echo "FAIL install the .vsix"; echo "RESULT 1 passed, 1 failed"; exit 1
fi
echo "OK   code-server --install-extension ($(( $(date +%s%3N) - t )) ms)"

cp -r "$REPO/tests/editors/fixtures/ws" "$WORK/ws"
(cd "$WORK/ws" && git init -q . 2>/dev/null || mkdir -p .git)

PORT=${PORT:-$((20000 + RANDOM % 20000))}
# its own session and process group, so that the whole tree can be stopped by that group's id
setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --disable-file-downloads \
  --user-data-dir "$USER_DIR" --extensions-dir "$EXT_DIR" "$WORK/ws" > "$OUT/code-server.log" 2>&1 &
CS_PID=$!
stop_code_server() {
  kill -- -"$CS_PID" 2>/dev/null
  for _ in $(seq 50); do kill -0 -- -"$CS_PID" 2>/dev/null || break; sleep 0.2; done
  kill -9 -- -"$CS_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap stop_code_server EXIT
for _ in $(seq 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" = 200 ] && break
  sleep 0.25
done

node "$HERE/drive.js" "http://127.0.0.1:$PORT" "$WORK/ws" "$OUT"
rc=$?
# the extension host's log of our output channel, for failures
find "$USER_DIR/logs" -name '*Northflank*' -exec cp {} "$OUT/" \; 2>/dev/null
if [ "${NFLS_UPDATE_SCREENSHOTS:-0}" = 1 ]; then
  for f in problems palette context-menu completion hover; do
    [ -f "$OUT/$f.png" ] && cp "$OUT/$f.png" "$REPO/editors/vscode/images/$f.png"
  done
fi
exit $rc
