-- Neovim client setup for northflank-lsp (Northflank templates, release flows and preview
-- templates in JSON). Works on Neovim 0.7 to 0.11+:
--   * 0.11+: registers the config with vim.lsp.config and enables it with vim.lsp.enable;
--   * 0.8–0.10: starts the client from a FileType autocmd with vim.lsp.start;
--   * 0.7: the same with vim.lsp.start_client + vim.lsp.buf_attach_client (0.7 has no vim.lsp.start).
-- It also adds the :Northflank* user commands, keeps the API token in memory only, shows the
-- server's code lenses and keeps them current, and records each buffer's Northflank document
-- kind in `vim.b.northflank_kind` (see :help-free README).
local M = {}

local NAME = 'northflank'

M.defaults = {
  cmd = { 'northflank-lsp', '--stdio' },
  filetypes = { 'json', 'jsonc' },
  -- Same meaning as Neovim 0.11's `root_markers`: searched in order, the first marker found
  -- upwards decides the root (a nested list means "any of these, nearest wins"). The repository
  -- root comes first because Git-trigger rules are relative to it.
  root_markers = { '.git', 'northflank.json', '.northflank' },
  -- The server's `northflank` settings section (the `{ northflank = { ... } }` wrapper is accepted too).
  settings = {},
  -- Show the server's code lenses (what a push of the file would run) and keep them current:
  -- Neovim up to 0.11 shows lenses only when asked, so the plugin asks on attach, on BufEnter,
  -- InsertLeave, BufWritePost and CursorHold, and whenever the server says they changed.
  codelens = true,
}

-- State of this session only: nothing here is written to disk.
local state = {
  token = nil, ---@type string|nil
  opts = nil, ---@type table|nil
  roots = {}, -- 0.7 fallback: root_dir -> client id
}

local function version_at_least(minor)
  local v = vim.version()
  return v.major > 0 or v.minor >= minor
end

local function has_native_config()
  return vim.lsp.config ~= nil and vim.lsp.enable ~= nil
end

local function notify(message, level)
  vim.notify(message, level or vim.log.levels.INFO, { title = 'Northflank' })
end

--- The `settings` table a client holds: always `{ northflank = section }`.
local function normalize_settings(settings)
  settings = settings or {}
  if settings.northflank ~= nil then
    return vim.deepcopy(settings)
  end
  return { northflank = vim.deepcopy(settings) }
end

--- `settings` with the session's token as `northflank.api.token` (or without any token).
local function with_token(settings, token)
  local out = normalize_settings(settings)
  local section = out.northflank
  if type(section) ~= 'table' then
    section = {}
    out.northflank = section
  end
  if type(section.api) ~= 'table' then
    section.api = {}
  end
  section.api.token = token
  if next(section.api) == nil then
    section.api = nil
  end
  return out
end
M._with_token = with_token

-- Root detection: what vim.fs.root does on 0.10+, written out for 0.7.
local function find_upward(names, start)
  local dir = start
  while dir and dir ~= '' do
    for _, name in ipairs(names) do
      local path = dir .. '/' .. name
      if vim.loop.fs_stat(path) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
  return nil
end

--- The workspace root for a file: the first marker (in priority order) found upwards, else nil.
function M.find_root(fname, root_markers)
  local start = vim.fn.fnamemodify(fname, ':p:h')
  for _, marker in ipairs(root_markers or M.defaults.root_markers) do
    local names = type(marker) == 'table' and marker or { marker }
    local root = find_upward(names, start)
    if root then
      return root
    end
  end
  return nil
end

local function buffer_of_uri(uri)
  local ok, fname = pcall(vim.uri_to_fname, uri)
  if not ok then
    return nil
  end
  local bufnr = vim.fn.bufnr(fname)
  return bufnr ~= -1 and bufnr or nil
end

--- Handler of `northflank/documentKind`: remembers the kind in `vim.b.northflank_kind` (false when
--- the file is not a Northflank document; nil until the server has said) and
--- fires `User NorthflankDocumentKind` (for statuslines).
local function on_document_kind(_, result)
  if type(result) ~= 'table' or type(result.uri) ~= 'string' then
    return
  end
  local bufnr = buffer_of_uri(result.uri)
  if not bufnr then
    return
  end
  -- a kind name, or false: the server looked and this file is not a Northflank document
  local kind = result.kind
  if kind == vim.NIL or kind == nil then
    kind = false
  end
  vim.b[bufnr].northflank_kind = kind
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'NorthflankDocumentKind', modeline = false })
end

local KIND_LABELS = {
  template = 'Template',
  ['release-flow'] = 'Release flow',
  ['preview-template'] = 'Preview template',
  workflow = 'Workflow',
  ['preview-blueprint'] = 'Preview blueprint',
}

--- For a statusline: "Northflank: Template" when the current buffer is a Northflank document, else "".
function M.statusline(bufnr)
  local kind = vim.b[bufnr or 0].northflank_kind
  if not kind then
    return ''
  end
  return 'Northflank: ' .. (KIND_LABELS[kind] or kind)
end

local function get_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = NAME })
  end
  local out = {}
  local all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == NAME then
      table.insert(out, client)
    end
  end
  return out
end
M.get_clients = get_clients

-- Presentation of a command's answer: the same rules as the VS Code extension. The server does
-- most of the talking itself (window/showMessage, showMessageRequest, showDocument, applyEdit);
-- the client adds only the link status (a structure) and "no differences".
local function str(value)
  if type(value) == 'string' and vim.trim(value) ~= '' then
    return vim.trim(value)
  end
  return nil
end

local function present_status(result)
  local problem = str(result.problem)
  if problem then
    return 'Not linked: ' .. problem
  end
  local objects = type(result.objects) == 'table' and result.objects or {}
  if result.linked ~= true or #objects == 0 then
    local git = type(result.git) == 'table' and result.git or {}
    local branch = str(git.linkBranch) or str(git.branch)
    return 'Not linked to Northflank' .. (branch and (' (branch ' .. branch .. ')') or '')
      .. ': run :NorthflankLink to link it.'
  end
  local parts = {}
  for _, o in ipairs(objects) do
    local label = ('%s "%s"'):format(str(o.kind) or 'object', str(o.name) or str(o.id) or '?')
    table.insert(parts, o.drift == true and (label .. ', which differs from this file') or label)
  end
  return 'Linked to ' .. table.concat(parts, '; ') .. '.'
end

--- The message to show for a command's answer, or nil when the server showed everything itself.
function M._message(server_command, result)
  if result == nil or result == vim.NIL then
    return nil
  end
  if type(result) == 'table' then
    if server_command == 'northflank.remote.status' and (result.linked ~= nil or result.problem ~= nil) then
      return present_status(result)
    elseif server_command == 'northflank.remote.diff' and result.platform ~= nil then
      return (result.uri == nil or result.uri == vim.NIL) and 'No differences with the remote copies.' or nil
    elseif server_command == 'northflank.remote.link' or server_command == 'northflank.remote.fetch'
      or server_command == 'northflank.remote.replace' or server_command == 'northflank.preview.explain' then
      return nil
    end
    return str(result.message) or str(result.summary)
  end
  if type(result) == 'string' then
    return str(result)
  end
  return vim.inspect(result)
end

--- The arguments of a server command on a file: `{ { uri = …, … } }`.
function M._arguments(server_command, uri, source)
  local argument = { uri = uri }
  if server_command == 'northflank.remote.fetch' then
    argument.fetch = true -- "Fetch remote versions": let the server `git fetch` first
  end
  if server_command == 'northflank.remote.replace' then
    argument.source = source
  end
  return { argument }
end

local function send_command(client, server_command, title, bufnr, source)
  local params = { command = server_command, arguments = M._arguments(server_command, vim.uri_from_bufnr(bufnr), source) }
  client.request('workspace/executeCommand', params, function(err, result)
    if err then
      local text = tostring(err.message)
      if err.code == -32601 or text:lower():find('unknown command', 1, true) then
        notify(title .. ': this northflank-lsp does not offer ' .. server_command .. '; update the server.', vim.log.levels.WARN)
      else
        notify(title .. ' failed: ' .. text, vim.log.levels.ERROR)
      end
      return
    end
    local message = M._message(server_command, result)
    if message then
      notify(message)
    end
  end, bufnr)
end

--- Runs a server command (`workspace/executeCommand`) on the current buffer's file.
function M.execute(server_command, title, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = get_clients(bufnr)[1]
  if not client then
    notify(title .. ': northflank-lsp is not attached to this buffer.', vim.log.levels.WARN)
    return
  end
  if server_command ~= 'northflank.remote.replace' then
    send_command(client, server_command, title, bufnr)
    return
  end
  local sources = {
    { source = 'platform', label = "The platform's copy (the linked template on Northflank)" },
    { source = 'git', label = "The Git remote's copy (the branch Northflank deploys from)" },
  }
  vim.ui.select(sources, {
    prompt = 'Replace this file with:',
    format_item = function(item) return item.label end,
  }, function(choice)
    if choice then
      send_command(client, server_command, title, bufnr, choice.source)
    end
  end)
end

-- Read-only `northflank-remote://…` buffers (remote copies and diffs that the server shows with
-- window/showDocument): their text comes from the server's `northflank/remoteContent`.
local function read_remote(args)
  local buf = args.buf
  local uri = args.match
  local client = get_clients(nil)[1]
  local lines = { 'northflank-lsp is not running: cannot read ' .. uri }
  if client then
    local res, err = client.request_sync('northflank/remoteContent', { uri = uri }, 10000, buf)
    if res and res.result and type(res.result.text) == 'string' then
      lines = vim.split(res.result.text, '\n', { plain = true })
      if lines[#lines] == '' then
        table.remove(lines)
      end
    else
      lines = { 'could not read ' .. uri .. ': ' .. tostring(res and res.err and res.err.message or err) }
    end
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = uri:match('%.diff$') and 'diff' or 'json'
end

-- Neovim 0.7 has no window/showDocument handler: open the document ourselves.
local function show_document(_, params)
  if type(params) ~= 'table' or type(params.uri) ~= 'string' or params.external then
    return { success = false }
  end
  local name = params.uri:match('^file:') and vim.uri_to_fname(params.uri) or params.uri
  vim.cmd((params.takeFocus == false and 'split ' or 'edit ') .. vim.fn.fnameescape(name))
  return { success = true }
end

M.commands = {
  { name = 'NorthflankLinkStatus', server = 'northflank.remote.status', title = 'Northflank: Show link status' },
  { name = 'NorthflankLink', server = 'northflank.remote.link', title = 'Northflank: Link to Northflank…' },
  { name = 'NorthflankFetch', server = 'northflank.remote.fetch', title = 'Northflank: Fetch remote versions' },
  { name = 'NorthflankDiff', server = 'northflank.remote.diff', title = 'Northflank: Show difference with remote' },
  { name = 'NorthflankReplace', server = 'northflank.remote.replace', title = 'Northflank: Replace with remote version' },
  { name = 'NorthflankExplain', server = 'northflank.preview.explain', title = 'Northflank: Explain whether a push would run this' },
}

--- Sets (or with nil / '' clears) the API token for this session: running clients get it through
--- workspace/didChangeConfiguration, new ones at initialize. Nothing is written to disk.
function M.set_token(token)
  if token ~= nil and vim.trim(token) == '' then
    token = nil
  end
  state.token = token and vim.trim(token) or nil
  for _, client in ipairs(get_clients(nil)) do
    local settings = with_token(client.config.settings, state.token)
    client.config.settings = settings
    if client.settings ~= nil or has_native_config() then
      client.settings = settings -- 0.11 answers workspace/configuration from client.settings
    end
    client.notify('workspace/didChangeConfiguration', { settings = settings })
  end
  local ok, log = pcall(require, 'vim.lsp.log')
  if state.token and ok and log.get_level and log.get_level() <= vim.log.levels.DEBUG then
    notify('the LSP log level is DEBUG or lower: the token will appear in the LSP log file', vim.log.levels.WARN)
  end
end

local function define_commands()
  if state.commands_defined then
    return
  end
  state.commands_defined = true
  for _, command in ipairs(M.commands) do
    vim.api.nvim_create_user_command(command.name, function()
      M.execute(command.server, command.title)
    end, { desc = command.title })
  end
  vim.api.nvim_create_user_command('NorthflankSetToken', function()
    local token = vim.fn.inputsecret('Northflank API token (kept for this session only): ')
    if token == '' then
      notify('no token entered; nothing changed')
      return
    end
    M.set_token(token)
    notify('Northflank API token set for this session')
  end, { desc = 'Northflank: Set API token (this session only)' })
  vim.api.nvim_create_autocmd('BufReadCmd', {
    group = vim.api.nvim_create_augroup('northflank_remote', { clear = true }),
    pattern = 'northflank-remote://*',
    callback = read_remote,
  })
  vim.api.nvim_create_user_command('NorthflankClearToken', function()
    M.set_token(nil)
    notify('Northflank API token cleared')
  end, { desc = 'Northflank: Clear API token' })
end

-- Asks the server for a buffer's code lenses again (Neovim shows what comes back). Before 0.10,
-- vim.lsp.codelens.refresh() only serves the current buffer: another buffer refreshes on BufEnter.
local function refresh_lenses(bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  if version_at_least(10) then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  elseif bufnr == vim.api.nvim_get_current_buf() then
    vim.lsp.codelens.refresh()
  end
end

-- `workspace/codeLens/refresh`: the server's Git or platform facts changed, so its lenses did.
-- (Neovim up to 0.11 has no handler of its own; the plugin advertises the capability.)
local function on_codelens_refresh(_, _, ctx)
  local ok, buffers = pcall(vim.lsp.get_buffers_by_client_id, ctx.client_id)
  for _, bufnr in ipairs(ok and buffers or {}) do
    refresh_lenses(bufnr)
  end
  return vim.NIL
end

-- Shows a buffer's code lenses and keeps them current (see `codelens` in M.defaults).
local function attach_lenses(client, bufnr)
  local provider = client.server_capabilities and client.server_capabilities.codeLensProvider
  if not provider then
    return
  end
  -- Newer Neovim refreshes lenses itself once they are enabled for a buffer.
  if vim.lsp.codelens.enable and pcall(vim.lsp.codelens.enable, true, { bufnr = bufnr }) then
    return
  end
  local group = vim.api.nvim_create_augroup('northflank_codelens_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost', 'CursorHold' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      refresh_lenses(bufnr)
    end,
  })
  refresh_lenses(bufnr)
end

--- The client config (a `vim.lsp.Config` on 0.11, a start_client config before): the options
--- given to setup() over the defaults, plus what the plugin needs.
function M.lsp_config(opts)
  -- A shallow merge: lists such as cmd and filetypes replace the defaults instead of merging by index.
  opts = vim.tbl_extend('force', {}, M.defaults, opts or {})
  local settings = normalize_settings(opts.settings)
  local user_on_attach = opts.on_attach
  local user_before_init = opts.before_init
  local lenses = opts.codelens ~= false
  local capabilities = vim.tbl_deep_extend(
    'force',
    vim.lsp.protocol.make_client_capabilities(),
    { experimental = { northflankDocumentKind = true } },
    lenses and { workspace = { codeLens = { refreshSupport = true } } } or {},
    opts.capabilities or {}
  )
  local config = {
    name = NAME,
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    settings = settings,
    init_options = settings,
    capabilities = capabilities,
    handlers = vim.tbl_extend('force', {
      ['northflank/documentKind'] = on_document_kind,
      ['window/showDocument'] = vim.lsp.handlers['window/showDocument'] == nil and show_document or nil,
      ['workspace/codeLens/refresh'] = lenses and vim.lsp.handlers['workspace/codeLens/refresh'] == nil
        and on_codelens_refresh or nil,
    }, opts.handlers or {}),
    before_init = function(params, client_config)
      if state.token then
        local with = with_token(client_config.settings, state.token)
        client_config.settings = with
        params.initializationOptions = with
      end
      if user_before_init then
        user_before_init(params, client_config)
      end
    end,
    on_init = function(client)
      -- Nvim 0.7 does not send the settings by itself; the server takes them either way.
      if not version_at_least(11) then
        client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
      end
      if opts.on_init then
        opts.on_init(client)
      end
    end,
    on_attach = function(client, bufnr)
      define_commands()
      if lenses then
        attach_lenses(client, bufnr)
      end
      if user_on_attach then
        user_on_attach(client, bufnr)
      end
    end,
  }
  for key, value in pairs(opts) do
    if config[key] == nil and key ~= 'root_markers' and key ~= 'codelens' then
      config[key] = value
    end
  end
  return config
end

-- 0.7–0.10: start (or reuse) the client for a buffer from a FileType autocmd.
local function attach_fallback(bufnr, config)
  if vim.bo[bufnr].buftype ~= '' then
    return
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then
    return
  end
  local root = M.find_root(fname, config.root_markers) or vim.fn.fnamemodify(fname, ':p:h')
  local client_config = vim.tbl_extend('force', {}, config, {
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  })
  client_config.root_markers = nil
  client_config.filetypes = nil
  if vim.lsp.start then
    vim.lsp.start(client_config, { bufnr = bufnr })
    return
  end
  local id = state.roots[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    if not id then
      notify('could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    state.roots[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- Sets up northflank-lsp for the given filetypes. Options: cmd, settings, filetypes, root_markers,
--- and any other client config field (capabilities, on_attach, handlers, ...).
function M.setup(opts)
  state.opts = opts or {}
  define_commands()
  local config = M.lsp_config(opts)
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    notify(
      ('northflank-lsp: `%s` is not executable; install northflank-lsp or pass `cmd = { "/path/to/northflank-lsp", "--stdio" }` to setup()'):format(
        config.cmd[1]
      ),
      vim.log.levels.WARN
    )
  end
  if has_native_config() then
    vim.lsp.config(NAME, config)
    vim.lsp.enable(NAME)
    return
  end
  local group = vim.api.nvim_create_augroup('northflank_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach_fallback(args.buf, config)
    end,
  })
  -- Buffers that are already open (setup() called late, e.g. from a lazy loader).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach_fallback(bufnr, config)
    end
  end
end

return M
