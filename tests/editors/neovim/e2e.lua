-- Headless Neovim end-to-end test of editors/neovim with the real northflank-lsp. The same script
-- runs on Neovim 0.7.2 (start_client path) and 0.11.x (vim.lsp.config/enable path).
-- Usage (from the fixture workspace, see tests/editors/run.sh):
--   OUT=out.txt nvim --headless -u tests/editors/neovim/init.lua -c 'luafile tests/editors/neovim/e2e.lua' shop-template.json
-- Env: NFLS_EDITOR_FEATURES (default completion,hover; `none` turns those checks off);
-- COMPLETION_LABEL / HOVER_TEXT override what they expect.
-- Exit code 0: every check passed.
local out_path = os.getenv('OUT') or 'nvim-e2e.txt'
local out = assert(io.open(out_path, 'w'))
local function log(...)
  out:write(table.concat(vim.tbl_map(tostring, { ... }), ' '), '\n')
  out:flush()
end
local function finish(code)
  out:close()
  vim.cmd(code == 0 and 'qa!' or (code .. 'cquit!'))
end

local features = {}
for f in (os.getenv('NFLS_EDITOR_FEATURES') or 'completion,hover'):gmatch('[^,%s]+') do
  features[f] = true
end
if features.all then
  features = { completion = true, hover = true }
end

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    log('OK  ', name, detail or '')
  else
    failed = failed + 1
    log('FAIL', name, detail or '')
  end
  return ok
end

local northflank = require('northflank')

local function diag_code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function describe(diags)
  local lines = {}
  for _, d in ipairs(diags) do
    table.insert(lines, string.format('%d:%d %s [%s] %s', d.lnum, d.col, tostring(d.source), tostring(diag_code(d)), d.message))
  end
  return table.concat(lines, ' | ')
end

local function client_for(bufnr)
  vim.wait(10000, function()
    local c = northflank.get_clients(bufnr)[1]
    return c ~= nil and c.initialized
  end, 50)
  return northflank.get_clients(bufnr)
end

-- Diagnostics with a code starting with `syntax/`, waiting until at least `want` arrive.
local function wait_diagnostics(bufnr, want)
  vim.wait(10000, function()
    return #vim.diagnostic.get(bufnr) >= want
  end, 50)
  vim.wait(500, function() return false end, 50) -- let a late republish settle
  return vim.diagnostic.get(bufnr)
end

local function syntax_only(diags)
  local out = {}
  for _, d in ipairs(diags) do
    if tostring(diag_code(d)):match('^syntax/') then
      table.insert(out, d)
    end
  end
  return out
end

local function main()
  local v = vim.version()
  log(string.format('nvim %d.%d.%d', v.major, v.minor, v.patch))
  local bufnr = vim.api.nvim_get_current_buf()

  -- 1. the plugin attached exactly one northflank client
  local clients = client_for(bufnr)
  if not check('attach', #clients == 1, #clients .. ' northflank client(s)') then
    return
  end
  local client = clients[1]
  log('root_dir', client.config.root_dir)
  check('root_dir', client.config.root_dir == vim.fn.getcwd(), 'expected the .git folder of the fixture workspace')

  -- 2. diagnostics of a broken template: exact code, message, range and source
  local diags = wait_diagnostics(bufnr, 1)
  log('diagnostics:', describe(diags))
  local syntax = syntax_only(diags)
  local d = syntax[1]
  check(
    'diagnostics',
    #syntax == 1
      and d.message == 'expected `,` between members'
      and diag_code(d) == 'syntax/missing-comma'
      and d.lnum == 2 and d.col == 24 and d.end_lnum == 2 and d.end_col == 24
      and d.severity == vim.diagnostic.severity.ERROR,
    describe(syntax)
  )
  local all_ours = #diags > 0
  for _, x in ipairs(diags) do
    all_ours = all_ours and x.source == 'northflank'
  end
  check('diagnostic source', all_ours, 'every diagnostic has source "northflank"')

  -- 3. the document kind notification
  vim.wait(5000, function() return vim.b[bufnr].northflank_kind ~= nil end, 50)
  check('document kind', vim.b[bufnr].northflank_kind == 'template', tostring(vim.b[bufnr].northflank_kind))
  check('statusline', northflank.statusline(bufnr) == 'Northflank: Template', northflank.statusline(bufnr))

  -- 3b. code lenses: the plugin asks for them on attach; the first answer says the server is still
  -- reading Git, and the server's workspace/codeLens/refresh (which the plugin handles) brings the
  -- verdict (headless Neovim has no CursorHold, so nothing else would ask again)
  local function lens_titles()
    local titles = {}
    for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
      table.insert(titles, lens.command and lens.command.title or '?')
    end
    return titles
  end
  local verdict = '○ no run rules known for this template: no `gitops` link in the file and no linked platform object'
  vim.wait(10000, function()
    return vim.tbl_contains(lens_titles(), verdict)
  end, 50)
  local titles = lens_titles()
  log('code lenses:', table.concat(titles, ' | '))
  -- the platform link's lens (no token in the tests) and the push preview's verdict
  check('code lenses', #titles == 2
    and titles[1] == 'Northflank: no API token — set northflank.api.token, NORTHFLANK_API_TOKEN or northflank.api.tokenFile'
    and titles[2] == verdict, table.concat(titles, ' | '))

  -- 4. user commands exist
  local missing = {}
  for _, name in ipairs({ 'NorthflankLinkStatus', 'NorthflankLink', 'NorthflankFetch', 'NorthflankDiff',
    'NorthflankReplace', 'NorthflankExplain', 'NorthflankSetToken', 'NorthflankClearToken' }) do
    if vim.fn.exists(':' .. name) ~= 2 then
      table.insert(missing, name)
    end
  end
  check('user commands', #missing == 0, #missing == 0 and 'all 8 defined' or ('missing ' .. table.concat(missing, ' ')))

  -- 5. settings reach the server: `files = { ['legacy/*.json'] = 'template' }` makes this file ours
  vim.cmd('edit legacy/app.json')
  local legacy = vim.api.nvim_get_current_buf()
  local lclients = client_for(legacy)
  check('one client per root', #lclients == 1 and lclients[1].id == client.id, 'legacy/app.json shares the client')
  local ldiags = wait_diagnostics(legacy, 1)
  local ls = syntax_only(ldiags)
  check(
    'settings: files glob',
    #ls == 1 and ls[1].message == 'trailing commas are not allowed in JSON' and diag_code(ls[1]) == 'syntax/trailing-comma'
      and ls[1].lnum == 2 and ls[1].col == 13 and ls[1].end_col == 14,
    describe(ldiags)
  )

  -- 6. a JSON file that is not a Northflank document gets no diagnostics from us, even with errors
  vim.cmd('edit other.json')
  local other = vim.api.nvim_get_current_buf()
  client_for(other)
  vim.wait(5000, function() return vim.b[other].northflank_kind ~= nil end, 50)
  vim.wait(1000, function() return false end, 50)
  check('not ours: kind', vim.b[other].northflank_kind == false, tostring(vim.b[other].northflank_kind))
  check('not ours: no diagnostics', #vim.diagnostic.get(other) == 0, describe(vim.diagnostic.get(other)))
  check('not ours: statusline', northflank.statusline(other) == '', northflank.statusline(other))

  -- 7. the token: in memory only, answered in workspace/configuration as api.token
  northflank.set_token('nf-e2e-token-123')
  local handler = vim.lsp.handlers['workspace/configuration']
  local answer = handler(nil, { items = { { section = 'northflank' } } }, { client_id = client.id, method = 'workspace/configuration' })
  local section = answer and answer[1] or {}
  check(
    'token in configuration',
    type(section) == 'table' and section.api and section.api.token == 'nf-e2e-token-123'
      and section.files and section.files['legacy/*.json'] == 'template',
    vim.inspect(section):gsub('nf%-e2e%-token%-123', '<token>'):gsub('%s+', ' ')
  )
  northflank.set_token(nil)
  answer = handler(nil, { items = { { section = 'northflank' } } }, { client_id = client.id, method = 'workspace/configuration' })
  check('token cleared', answer and answer[1] and answer[1].api and answer[1].api.token == nil
    and answer[1].api.baseUrl == 'http://127.0.0.1:9', '')
  -- the server still answers after the settings changed (diagnostics of the first buffer again)
  vim.cmd('buffer ' .. bufnr)
  vim.api.nvim_buf_set_lines(bufnr, 1, 1, false, { '  "x": 1,,' })
  vim.wait(5000, function()
    for _, x in ipairs(vim.diagnostic.get(bufnr)) do
      if x.lnum == 1 then return true end
    end
    return false
  end, 50)
  local changed = syntax_only(vim.diagnostic.get(bufnr))
  check('diagnostics follow edits', #changed >= 2, describe(changed))
  vim.cmd('silent! undo')

  -- 8. a server command through the user command: the request reaches the server with the file's
  -- URI and its answer is shown; without a token the link status is the server's error saying so
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg) table.insert(notes, msg) end
  vim.cmd('NorthflankLinkStatus')
  vim.wait(10000, function() return #notes > 0 end, 50)
  vim.notify = notify
  check('command: link status without a token', #notes == 1 and notes[1]:find('no API token', 1, true) ~= nil, tostring(notes[1]))

  local function req(buf, method, params)
    local res, err = client.request_sync(method, params, 10000, buf)
    if not res then return nil, tostring(err) end
    if res.err then return nil, (vim.inspect(res.err):gsub('%s+', ' ')) end
    if res.result == nil then return nil, 'the server answered null' end
    return res.result
  end
  local uri = vim.uri_from_bufnr(bufnr)
  if features.completion then
    -- inside the Project step's spec object, after `"name": "shop",`: a property name is expected
    local want = os.getenv('COMPLETION_LABEL') or 'description'
    local res, err = req(bufnr, 'textDocument/completion', { textDocument = { uri = uri }, position = { line = 13, character = 12 } })
    local items = res and (res.items or res) or {}
    local labels = {}
    for _, it in ipairs(items) do table.insert(labels, it.label) end
    check('completion', vim.tbl_contains(labels, want), (err or '') .. ' ' .. table.concat(labels, ','))
  else
    log('SKIP', 'completion', '(not in NFLS_EDITOR_FEATURES)')
  end
  if features.hover then
    -- on "Project" (the step's kind)
    local want = os.getenv('HOVER_TEXT') or 'Project'
    local res, err = req(bufnr, 'textDocument/hover', { textDocument = { uri = uri }, position = { line = 10, character = 20 } })
    local text = ''
    if res and res.contents then
      text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(res.contents), '\n')
    end
    check('hover', text:find(want, 1, true) ~= nil, (err or '') .. ' ' .. text:gsub('\n', ' '))
  else
    log('SKIP', 'hover', '(not in NFLS_EDITOR_FEATURES)')
  end
  -- 9. northflank-remote:// buffers (what fetch and diff show) read their text from the server;
  -- one the server never showed comes back as its error, in the buffer
  vim.cmd('edit northflank-remote://git/0000000/shop-template.json')
  local remote = vim.api.nvim_get_current_buf()
  local first = vim.api.nvim_buf_get_lines(remote, 0, 1, false)[1] or ''
  check('remote document', first:find('no remote content for `northflank-remote://git/0000000/shop-template.json`', 1, true) ~= nil
    and vim.bo[remote].modifiable == false and vim.bo[remote].filetype == 'json', first)
  vim.cmd('buffer ' .. bufnr)

  -- 10. explain needs no API: it reads the fixture's Git state (a repository without commits)
  local res, err = req(bufnr, 'workspace/executeCommand', { command = 'northflank.preview.explain', arguments = northflank._arguments('northflank.preview.explain', uri) })
  local explained = type(res) == 'table' and type(res.text) == 'string' and res.text or ''
  check('command: explain', explained:find('committing and pushing the working tree', 1, true) ~= nil,
    err or explained:gsub('\n', ' '):sub(1, 160))
  check('command: explain shows nothing twice', northflank._message('northflank.preview.explain', res) == nil, '')

  vim.lsp.stop_client(client.id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(client.id) == nil end, 50)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  failed = failed + 1
  log('ERROR', err)
end
log(string.format('RESULT %d passed, %d failed', passed, failed))
finish(failed == 0 and 0 or 1)
