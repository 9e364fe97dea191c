// Unit tests for src/serverPath.ts: where the extension looks for northflank-lsp, and what it says when it finds nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ResolveInput, bundledServerPath, expandConfiguredPath, resolveServerPath } from '../src/serverPath';

function input(files: string[], over: Partial<ResolveInput> = {}): ResolveInput {
  const set = new Set(files);
  return {
    configured: undefined,
    extensionPath: '/ext',
    platform: 'linux',
    arch: 'x64',
    pathEnv: '/usr/local/bin:/usr/bin',
    homeDir: '/home/u',
    workspaceFolder: '/ws',
    exists: (file) => set.has(file),
    ...over,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const r = resolveServerPath(input(['/opt/nfls', '/ext/server/linux-x64/northflank-lsp', '/usr/bin/northflank-lsp'], { configured: '/opt/nfls' }));
  assert.deepEqual(r, { ok: true, path: '/opt/nfls', source: 'setting' });
});

test('a setting that points nowhere is an error naming the setting, without falling back', () => {
  const r = resolveServerPath(input(['/ext/server/linux-x64/northflank-lsp'], { configured: '/nope/northflank-lsp' }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.match(r.message, /northflank\.server\.path is "\/nope\/northflank-lsp", but \/nope\/northflank-lsp does not exist/);
});

test('~, ${workspaceFolder} and relative paths in the setting are expanded', () => {
  assert.equal(expandConfiguredPath('~/bin/northflank-lsp', '/home/u', '/ws'), '/home/u/bin/northflank-lsp');
  assert.equal(expandConfiguredPath('${workspaceFolder}/target/release/northflank-lsp', '/home/u', '/ws'), '/ws/target/release/northflank-lsp');
  assert.equal(expandConfiguredPath('target/release/northflank-lsp', '/home/u', '/ws'), '/ws/target/release/northflank-lsp');
  assert.equal(expandConfiguredPath('  /abs/northflank-lsp ', '/home/u', '/ws'), '/abs/northflank-lsp');
  const r = resolveServerPath(input(['/ws/target/release/northflank-lsp'], { configured: './target/release/northflank-lsp' }));
  assert.deepEqual(r, { ok: true, path: '/ws/target/release/northflank-lsp', source: 'setting' });
});

test('a blank setting counts as unset', () => {
  const r = resolveServerPath(input(['/usr/bin/northflank-lsp'], { configured: '   ' }));
  assert.deepEqual(r, { ok: true, path: '/usr/bin/northflank-lsp', source: 'path' });
});

test('the bundled binary for this platform comes before PATH', () => {
  assert.equal(bundledServerPath('/ext', 'darwin', 'arm64'), '/ext/server/darwin-arm64/northflank-lsp');
  const r = resolveServerPath(input(['/ext/server/linux-x64/northflank-lsp', '/usr/bin/northflank-lsp']));
  assert.deepEqual(r, { ok: true, path: '/ext/server/linux-x64/northflank-lsp', source: 'bundled' });
  // a binary bundled for another platform is not used
  const other = resolveServerPath(input(['/ext/server/linux-arm64/northflank-lsp', '/usr/bin/northflank-lsp']));
  assert.deepEqual(other, { ok: true, path: '/usr/bin/northflank-lsp', source: 'path' });
});

test('PATH is searched in order and empty entries are skipped', () => {
  const r = resolveServerPath(input(['/usr/bin/northflank-lsp', '/usr/local/bin/northflank-lsp']));
  assert.deepEqual(r, { ok: true, path: '/usr/local/bin/northflank-lsp', source: 'path' });
  const cwd = resolveServerPath(input(['northflank-lsp'], { pathEnv: ':/usr/bin' }));
  assert.equal(cwd.ok, false);
});

test('on Windows the executable has .exe and PATH uses ;', () => {
  const files = ['C:\\tools\\northflank-lsp.exe'];
  const r = resolveServerPath(input(files, { platform: 'win32', pathEnv: 'C:\\Windows;C:\\tools', exists: (f) => f.replace(/\//g, '\\') === files[0] }));
  assert.ok(r.ok);
  assert.equal(r.source, 'path');
  assert.match(r.path, /northflank-lsp\.exe$/);
});

test('nothing found: the message says what to do', () => {
  const r = resolveServerPath(input([], { pathEnv: undefined }));
  assert.ok(!r.ok);
  assert.match(r.message, /cannot find the language server/);
  assert.match(r.message, /no bundled server for linux-x64/);
  assert.match(r.message, /Set northflank\.server\.path/);
  assert.match(r.message, /install northflank-lsp/);
});
