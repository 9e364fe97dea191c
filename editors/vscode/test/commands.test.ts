// Unit tests for src/commands.ts, and that package.json contributes exactly these commands.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { REPLACE_SOURCES, SERVER_COMMANDS, commandArguments, describeError, presentResult } from '../src/commands';

// out/test/*.js at run time: package.json is two folders up
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('the server command ids are the six the server implements', () => {
  assert.deepEqual(
    SERVER_COMMANDS.map((c) => c.server),
    ['northflank.remote.status', 'northflank.remote.link', 'northflank.remote.fetch', 'northflank.remote.diff', 'northflank.remote.replace', 'northflank.preview.explain'],
  );
  // vscode-languageclient registers the server's ids itself: ours must not collide
  for (const c of SERVER_COMMANDS) {
    assert.notEqual(c.id, c.server);
  }
});

test('package.json contributes each command with its title, in the palette and the context menu', () => {
  const contributed = new Map<string, { title: string; category: string }>(
    manifest.contributes.commands.map((c: { command: string; title: string; category: string }) => [c.command, c]),
  );
  const titles = SERVER_COMMANDS.map((c) => `${contributed.get(c.id)?.category}: ${contributed.get(c.id)?.title}`);
  assert.deepEqual(titles, [
    'Northflank: Show link status',
    'Northflank: Link to Northflank…',
    'Northflank: Fetch remote versions',
    'Northflank: Show difference with remote',
    'Northflank: Replace with remote version',
    'Northflank: Explain whether a push would run this',
  ]);
  for (const id of ['northflank.setApiToken', 'northflank.clearApiToken', 'northflank.restartServer', 'northflank.showOutput']) {
    assert.ok(contributed.has(id), id);
  }
  const context = manifest.contributes.menus['editor/context'].map((m: { command: string; when: string }) => m);
  assert.deepEqual(context.map((m: { command: string }) => m.command), SERVER_COMMANDS.map((c) => c.id));
  for (const m of context) {
    assert.equal(m.when, 'editorLangId == northflank-json');
  }
});

test('package.json: settings and language', () => {
  const props = Object.keys(manifest.contributes.configuration.properties).sort();
  assert.deepEqual(props, [
    'northflank.api.baseUrl',
    'northflank.api.teamId',
    'northflank.api.tokenFile',
    'northflank.diagnostics.debounceMs',
    'northflank.diagnostics.mode',
    'northflank.diagnostics.severity',
    'northflank.files',
    'northflank.server.path',
    'northflank.switchLanguage',
    'northflank.trace.server',
  ]);
  for (const [key, value] of Object.entries(manifest.contributes.configuration.properties)) {
    const v = value as { title?: string; markdownDescription?: string };
    assert.ok(v.title && v.markdownDescription, `${key} has a title and a description`);
    assert.ok(!/token"?$/.test(key), 'no token setting');
  }
  // The repository settings file gets completion and checks from VS Code's JSON support.
  assert.deepEqual(manifest.contributes.jsonValidation, [
    { fileMatch: '.northflank-lsp.json', url: './schemas/northflank-lsp.schema.json' },
  ]);
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'northflank-lsp.schema.json'), 'utf8'));
  const severity = schema.properties.diagnostics.properties.severity;
  const codes = new RegExp(severity.propertyNames.pattern);
  // Every code the project README lists as configurable matches, the syntax ones do not.
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/`((?:schema|ref|arg|expr|secret|platform|syntax)\/[a-z0-9-]+)`/g)].map((m) => m[1]);
  assert.ok(listed.length > 40, `${listed.length} codes in the README`);
  for (const code of listed) {
    assert.equal(codes.test(code), !code.startsWith('syntax/'), code);
  }
  assert.ok(codes.test('schema/*') && !codes.test('syntax/*') && !codes.test('style/*'));
  assert.deepEqual(severity.additionalProperties.enum, ['error', 'warning', 'information', 'hint', 'off']);
  assert.deepEqual(manifest.contributes.configuration.properties['northflank.diagnostics.severity'].additionalProperties.enum, severity.additionalProperties.enum);
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'northflank-json');
  assert.deepEqual(language.filenamePatterns, [
    'northflank.json',
    'northflank-template.json',
    'northflank.*.json',
    '*.northflank.json',
    '**/.northflank/*.json',
    '**/northflank/**/*.json',
  ]);
});

test('commands get the document URI, fetch asks for a git fetch, replace carries the source', () => {
  const uri = 'file:///ws/northflank.json';
  assert.deepEqual(commandArguments('northflank.remote.status', uri), [{ uri }]);
  assert.deepEqual(commandArguments('northflank.preview.explain', uri), [{ uri }]);
  assert.deepEqual(commandArguments('northflank.remote.fetch', uri), [{ uri, fetch: true }]);
  assert.deepEqual(commandArguments('northflank.remote.replace', uri, 'git'), [{ uri, source: 'git' }]);
  assert.deepEqual(REPLACE_SOURCES.map((s) => s.source), ['platform', 'git']);
});

test('link status: linked, drifted, not linked, unavailable', () => {
  const linked = presentResult('northflank.remote.status', 'T', {
    linked: true,
    drift: true,
    objects: [
      { kind: 'template', id: 'shop', name: 'Shop', drift: true },
      { kind: 'release-flow', id: 'rf', name: 'Release', drift: false },
    ],
  });
  assert.equal(linked.message, 'Linked to template "Shop", which differs from this file; release-flow "Release".');
  assert.match(linked.details ?? '', /^```json\n\{\n {2}"linked": true/);
  const unlinked = presentResult('northflank.remote.status', 'T', { linked: false, drift: false, objects: [], git: { branch: 'main', linkBranch: 'main' } });
  assert.equal(unlinked.message, 'Not linked to Northflank (branch main): run “Link to Northflank…” to link it.');
  const unavailable = presentResult('northflank.remote.status', 'T', { linked: false, drift: false, objects: [], problem: 'the file is not in a Git repository' });
  assert.equal(unavailable.message, 'Not linked: the file is not in a Git repository');
});

test('commands whose answers the server already showed add nothing', () => {
  assert.deepEqual(presentResult('northflank.remote.link', 'T', { started: 'link' }), {});
  assert.deepEqual(presentResult('northflank.remote.fetch', 'T', { platform: [], git: { uri: 'northflank-remote://git/x' } }), {});
  assert.deepEqual(presentResult('northflank.remote.replace', 'T', { source: 'git', text: '{}', confirm: false }), {});
  assert.deepEqual(presentResult('northflank.preview.explain', 'T', { push: 'p', text: 'template: …', verdicts: [] }), {});
  assert.deepEqual(presentResult('northflank.remote.diff', 'T', { platform: [], git: null, uri: 'northflank-remote://diff/a.json.diff' }), {});
  assert.deepEqual(presentResult('northflank.remote.diff', 'T', { platform: [], git: null, uri: null }), {
    message: 'No differences with the remote copies.',
  });
  assert.deepEqual(presentResult('northflank.remote.status', 'T', null), {});
});

test('answers of unknown shapes fall back to message, details, url or the text', () => {
  assert.deepEqual(presentResult('x', 'T', { message: 'Linked', url: 'https://app.example.test/t/1' }), {
    message: 'Linked',
    url: 'https://app.example.test/t/1',
  });
  assert.deepEqual(presentResult('x', 'T', 'one line'), { message: 'one line' });
  assert.deepEqual(presentResult('x', 'T', 'first\nsecond'), { message: 'first', details: 'first\nsecond' });
  assert.deepEqual(presentResult('x', 'T', 42), { message: 'T: 42' });
});

test('errors: a command the server lacks gets a hint, others the server\'s words', () => {
  assert.equal(
    describeError('Northflank: Show link status', 'northflank.remote.status', { code: -32601, message: 'Method not found' }),
    'Northflank: Show link status: this northflank-lsp does not offer northflank.remote.status; update the server.',
  );
  assert.equal(describeError('T', 'c', new Error('boom')), 'T failed: boom');
  // the server's own error (a ResponseError) is shown in its words
  assert.equal(
    describeError('Northflank: Show link status', 'northflank.remote.status', { code: -32803, message: 'Northflank: no API token — set …' }),
    'Northflank: Show link status failed: Northflank: no API token — set …',
  );
});
