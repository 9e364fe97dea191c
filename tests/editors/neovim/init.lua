-- Neovim init file for the editor e2e test: loads the shipped plugin (editors/neovim) the way a
-- user's config would, and nothing else. Env: NFLS_REPO (repository root), NFLS_SERVER (binary).
local repo = assert(os.getenv('NFLS_REPO'), 'NFLS_REPO is not set')
local server = assert(os.getenv('NFLS_SERVER'), 'NFLS_SERVER is not set')
vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
vim.cmd('filetype on')
if os.getenv('NVIM_LSP_DEBUG') == '1' then
  vim.lsp.set_log_level('debug')
end
require('northflank').setup({
  cmd = { server, '--stdio' },
  -- legacy/*.json is not recognisable by name or content: only this setting makes it a template
  settings = { files = { ['legacy/*.json'] = 'template' }, diagnostics = { debounceMs = 0 }, api = { baseUrl = 'http://127.0.0.1:9' } },
})
