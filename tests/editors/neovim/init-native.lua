-- Neovim 0.11+ init file for the e2e test of the native route: no setup() call, only the shipped
-- lsp/northflank.lua found on 'runtimepath', overridden with vim.lsp.config and enabled with
-- vim.lsp.enable, as README.md describes. Env: NFLS_REPO, NFLS_SERVER.
local repo = assert(os.getenv('NFLS_REPO'), 'NFLS_REPO is not set')
local server = assert(os.getenv('NFLS_SERVER'), 'NFLS_SERVER is not set')
vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
vim.lsp.config('northflank', {
  cmd = { server, '--stdio' },
  settings = { northflank = { files = { ['legacy/*.json'] = 'template' }, diagnostics = { debounceMs = 0 }, api = { baseUrl = 'http://127.0.0.1:9' } } },
})
vim.lsp.enable('northflank')
