// Unit tests for src/config.ts: VS Code settings → the server's `northflank` section, and the token injection.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { needsRestart, rewriteConfigurationResults, serverSettings } from '../src/config';

// What `workspace.getConfiguration().get('northflank')` returns with every setting at its default.
const DEFAULTS = {
  files: {},
  diagnostics: { mode: 'auto', debounceMs: 10, severity: {} },
  api: { baseUrl: '', teamId: '', tokenFile: '' },
  server: { path: '' },
  trace: { server: 'off' },
  switchLanguage: true,
};

test('defaults map to the server defaults, without client-only settings', () => {
  assert.deepEqual(serverSettings(DEFAULTS, undefined), { diagnostics: { mode: 'auto', debounceMs: 10 } });
});

test('every server setting is passed on', () => {
  const raw = {
    ...DEFAULTS,
    files: { 'deploy/**/*.json': 'template', 'tmp/*.json': 'none' },
    diagnostics: { mode: 'push', debounceMs: 120.4, severity: { 'arg/not-in-arguments': 'off', 'schema/*': 'error', 'ref/undefined': 3 } },
    api: { baseUrl: ' https://api.example.test ', teamId: 'team-1', tokenFile: '~/.nf-token' },
  };
  assert.deepEqual(serverSettings(raw, undefined), {
    files: { 'deploy/**/*.json': 'template', 'tmp/*.json': 'none' },
    diagnostics: { mode: 'push', debounceMs: 120, severity: { 'arg/not-in-arguments': 'off', 'schema/*': 'error' } },
    api: { baseUrl: 'https://api.example.test', teamId: 'team-1', tokenFile: '~/.nf-token' },
  });
});

test('the token from secret storage becomes api.token; a token in settings.json is ignored', () => {
  const raw = { ...DEFAULTS, api: { baseUrl: '', token: 'from-settings-json' } };
  assert.deepEqual(serverSettings(raw, 'nf-secret-123').api, { token: 'nf-secret-123' });
  assert.equal(serverSettings(raw, undefined).api, undefined);
  assert.equal(serverSettings(raw, '  ').api, undefined);
});

test('unknown keys pass through, bad shapes are dropped', () => {
  assert.deepEqual(serverSettings({ future: { x: 1 }, files: ['not', 'an', 'object'], diagnostics: 'loud' }, undefined), {
    future: { x: 1 },
  });
  assert.deepEqual(serverSettings(null, 'tok-1234'), { api: { token: 'tok-1234' } });
  assert.deepEqual(serverSettings({ files: { 'a.json': 'template', 'b.json': 7 } }, undefined), { files: { 'a.json': 'template' } });
  assert.deepEqual(serverSettings({ diagnostics: { debounceMs: -5 } }, undefined), { diagnostics: { debounceMs: 0 } });
});

test('workspace/configuration answers for northflank are rewritten, others untouched', () => {
  const items = [{ section: 'northflank' }, { section: 'json' }, {}];
  const jsonAnswer = { validate: { enable: true } };
  const out = rewriteConfigurationResults(items, [DEFAULTS, jsonAnswer, { whole: 1 }], 'secret-token');
  assert.deepEqual(out, [
    { diagnostics: { mode: 'auto', debounceMs: 10 }, api: { token: 'secret-token' } },
    jsonAnswer,
    { whole: 1 },
  ]);
});

test('a sub-section such as northflank.api gets the token too', () => {
  const out = rewriteConfigurationResults(
    [{ section: 'northflank.api' }, { section: 'northflank.server' }, { section: 'northflank.diagnostics.mode' }],
    [{ baseUrl: 'https://x.test', teamId: '' }, { path: '/bin/nfls' }, 'pull'],
    'secret-token',
  );
  assert.deepEqual(out, [{ baseUrl: 'https://x.test', token: 'secret-token' }, null, 'pull']);
});

test('server path and diagnostics mode need a restart, other settings do not', () => {
  const changed = (...sections: string[]) => (s: string) => sections.some((c) => c === s || c.startsWith(s + '.'));
  assert.equal(needsRestart(changed('northflank.server.path')), true);
  assert.equal(needsRestart(changed('northflank.diagnostics.mode')), true);
  assert.equal(needsRestart(changed('northflank.diagnostics.debounceMs')), false);
  assert.equal(needsRestart(changed('northflank.files')), false);
});
