-- Native Neovim 0.11+ config for northflank-lsp. With this plugin on 'runtimepath', enable it with
--   vim.lsp.enable('northflank')
-- and override fields with vim.lsp.config('northflank', { cmd = ..., settings = { northflank = ... } }).
-- It comes from lua/northflank/init.lua, so the :Northflank* commands and the document-kind
-- handler are included.
return require('northflank').lsp_config()
