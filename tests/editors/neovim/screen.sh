#!/bin/bash
# Takes the README screenshot of the Neovim plugin: Neovim (not headless) in tmux with the shipped
# plugin, a broken template open, diagnostics shown as virtual text, the document kind in the
# statusline. Usage: screen.sh NVIM SERVER WORKSPACE OUT.ansi
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
NVIM=$1; SERVER=$2; WS=$3; OUT=$4; S=nfls-nvim-$$
cat > "$WS/.screen-init.lua" <<'LUA'
dofile(os.getenv('NFLS_INIT'))
vim.diagnostic.config({ virtual_text = true, signs = true })
vim.o.termguicolors = true
vim.o.number = true
vim.o.laststatus = 2
vim.o.statusline = ' %f%=%{v:lua.require("northflank").statusline()}  %l:%c '
LUA
cd "$WS" || exit 1
tmux new-session -d -s "$S" -x 110 -y 26 \
  "NFLS_INIT=$HERE/init.lua NFLS_REPO=$REPO NFLS_SERVER=$SERVER $NVIM -u .screen-init.lua -n shop-template.json"
for _ in $(seq 100); do
  tmux capture-pane -p -t "$S" | grep -q 'Northflank: Template' && tmux capture-pane -p -t "$S" | grep -q 'expected `,`' && break
  sleep 0.1
done
sleep 0.3
tmux send-keys -t "$S" 3G; sleep 0.3
tmux capture-pane -e -p -t "$S" > "$OUT"
tmux send-keys -t "$S" Escape ':qa!' Enter; sleep 0.3
tmux kill-session -t "$S" 2>/dev/null
rm -f "$WS/.screen-init.lua"
grep -q 'expected `,`' "$OUT"
