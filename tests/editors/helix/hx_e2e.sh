#!/bin/bash
# Helix end-to-end test of editors/helix/languages.toml with the real northflank-lsp: Helix runs
# in a detached tmux session; the test reads the screen (capture-pane) and Helix's log.
# Usage: hx_e2e.sh SERVER WORKSPACE OUTDIR      (env HX: the hx binary; NFLS_EDITOR_FEATURES:
#        default completion,hover; `none` turns those checks off)
# Prints OK/FAIL/SKIP lines and "RESULT N passed, M failed"; exit 0 when nothing failed.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SERVER=$1; WS=$2; OUT=$3
HX=${HX:-hx}; S=nfls-hx-$$
FEATURES=",${NFLS_EDITOR_FEATURES:-completion,hover},"; [[ $FEATURES == *,all,* ]] && FEATURES=",completion,hover,"
COMPLETION_RE=${COMPLETION_RE:-description}; HOVER_RE=${HOVER_RE:-Project}
mkdir -p "$OUT"; passed=0; failed=0
ok() { echo "OK   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# The shipped languages.toml with the absolute server path, and a config.toml that prints
# diagnostics as text (otherwise there is only a dot in the gutter).
CFG=$OUT/config
mkdir -p "$CFG/helix"
sed "s|^command = \"northflank-lsp\"|command = \"$SERVER\"|" "$REPO/editors/helix/languages.toml" > "$CFG/helix/languages.toml"
grep -q "command = \"$SERVER\"" "$CFG/helix/languages.toml" || { fail "config: server command not found in languages.toml"; exit 1; }
cat > "$CFG/helix/config.toml" <<'TOML'
[editor]
end-of-line-diagnostics = "hint"
[editor.inline-diagnostics]
cursor-line = "hint"
other-lines = "hint"
[editor.statusline]
right = ["diagnostics", "file-type", "position"]
TOML
export XDG_CONFIG_HOME=$CFG

# hx --health: the shipped config loads and the server command is found
XDG_CONFIG_HOME=$CFG "$HX" --health northflank-json > "$OUT/health.txt" 2>&1
sed -i 's/\x1b\[[0-9;]*m//g' "$OUT/health.txt"   # no colours
if grep -qF "✓ $SERVER: $SERVER" "$OUT/health.txt"; then
  ok "hx --health northflank-json: server found"
else
  fail "hx --health northflank-json (see $OUT/health.txt)"
fi

wait_for() {  # wait_for NAME REGEX [timeout_s]: poll the screen until REGEX shows up
  local name=$1 re=$2 t=${3:-15} i
  for ((i = 0; i < t * 10; i++)); do
    tmux capture-pane -p -t "$S" > "$OUT/$name.txt" 2>/dev/null
    if grep -qE -- "$re" "$OUT/$name.txt"; then ok "$name: /$re/ on screen"; return 0; fi
    sleep 0.1
  done
  fail "$name: /$re/ not on screen after ${t}s (see $OUT/$name.txt)"; return 1
}
keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }

cd "$WS" || exit 1
tmux kill-session -t "$S" 2>/dev/null
tmux new-session -d -s "$S" -x 140 -y 35 "$HX -vv --log $OUT/helix.log shop-template.json"
tmux set-option -t "$S" remain-on-exit on >/dev/null

# 1. a broken template (recognised by content, language `json`): our diagnostic on screen
wait_for diagnostics 'expected `,` between members' 20
wait_for language-json ' json +[0-9]+:[0-9]+ *$' 5
tmux capture-pane -e -p -t "$S" > "$OUT/screen.ansi"   # with colours, for the README's screenshot
# and in the protocol: source and code, as the server sent them
for ((i = 0; i < 30; i++)); do grep -q '"code":"syntax/missing-comma"' "$OUT/helix.log" && break; sleep 0.1; done
if grep -E '"code":"syntax/missing-comma"' "$OUT/helix.log" | grep -q '"source":"northflank"'; then
  ok "diagnostics in helix.log: code syntax/missing-comma, source northflank"
else
  fail "diagnostics in helix.log: no syntax/missing-comma with source northflank"
fi
if grep -E '"code":"syntax/missing-comma"' "$OUT/helix.log" | grep -q '"range":{"start":{"line":2,"character":24},"end":{"line":2,"character":24}}'; then
  ok "diagnostic range 2:24-2:24"
else
  fail "diagnostic range: expected 2:24-2:24 in $OUT/helix.log"
fi

# 2. completion in the Project step's spec (after `"name": "shop",`) and hover on "Project".
# The file itself contains both words, so a check passes only when the word shows up on more
# lines than before (the popup) and the server's answer in helix.log has it.
count() { grep -cE -- "$1" "$OUT/$2.txt"; }
popup_check() {  # popup_check NAME REGEX BEFORE_COUNT LOG_REGEX
  local name=$1 re=$2 before=$3 logre=$4 i
  for ((i = 0; i < 100; i++)); do
    tmux capture-pane -p -t "$S" > "$OUT/$name.txt"
    [ "$(count "$re" "$name")" -gt "$before" ] && break
    sleep 0.1
  done
  if [ "$(count "$re" "$name")" -gt "$before" ] && grep -E 'northflank-lsp <- .*"id":' "$OUT/helix.log" | grep -qE -- "$logre"; then
    ok "$name: /$re/ in a popup and in the server's answer"
  else
    fail "$name: /$re/ not in a popup or not in the server's answer (see $OUT/$name.txt, $OUT/helix.log)"
  fi
}
if [[ $FEATURES == *,completion,* ]]; then
  keys Escape; keys g g; keys '/"name": "shop"' Enter; keys A; keys Enter
  tmux capture-pane -p -t "$S" > "$OUT/completion-before.txt"
  keys C-x
  popup_check completion "$COMPLETION_RE" "$(count "$COMPLETION_RE" completion-before)" "\"label\":\"[^\"]*$COMPLETION_RE"
  keys Escape; keys u
else
  echo "SKIP completion (not in NFLS_EDITOR_FEATURES)"
fi
if [[ $FEATURES == *,hover,* ]]; then
  keys Escape; keys g g; keys '/Project' Enter
  tmux capture-pane -p -t "$S" > "$OUT/hover-before.txt"
  keys Space k
  popup_check hover "$HOVER_RE" "$(count "$HOVER_RE" hover-before)" "\"contents\":.*$HOVER_RE"
  keys Escape
else
  echo "SKIP hover (not in NFLS_EDITOR_FEATURES)"
fi

# 3. a file with a conventional name opens as `northflank-json` (the glob in languages.toml)
keys Escape; keys ':open northflank/release-flow.json' Enter
wait_for language ' northflank-json +[0-9]+:[0-9]+ *$' 10
wait_for diagnostics2 'trailing commas are not allowed in JSON' 15

keys Escape; keys ':quit-all!' Enter
sleep 0.5
tmux kill-session -t "$S" 2>/dev/null
echo "RESULT $passed passed, $failed failed"
[ "$failed" = 0 ]
