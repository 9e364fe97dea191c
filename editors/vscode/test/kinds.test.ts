// Unit tests for src/kinds.ts: status bar labels, notification parsing and when to switch languages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kindLabel, parseDocumentKind, shouldSwitchLanguage } from '../src/kinds';

test('every kind the server announces has a label', () => {
  assert.equal(kindLabel('template'), 'Northflank: Template');
  assert.equal(kindLabel('release-flow'), 'Northflank: Release flow');
  assert.equal(kindLabel('preview-template'), 'Northflank: Preview template');
  assert.equal(kindLabel('workflow'), 'Northflank: Workflow');
  assert.equal(kindLabel('preview-blueprint'), 'Northflank: Preview blueprint');
  assert.equal(kindLabel('something-new'), 'Northflank: something-new');
});

test('northflank/documentKind params are validated', () => {
  assert.deepEqual(parseDocumentKind({ uri: 'file:///a.json', kind: 'template' }), { uri: 'file:///a.json', kind: 'template' });
  assert.deepEqual(parseDocumentKind({ uri: 'file:///a.json', kind: null }), { uri: 'file:///a.json', kind: null });
  assert.equal(parseDocumentKind({ uri: 'file:///a.json' }), undefined);
  assert.equal(parseDocumentKind({ uri: 3, kind: 'template' }), undefined);
  assert.equal(parseDocumentKind(null), undefined);
});

test('only json documents the server claims are switched, and only when enabled', () => {
  assert.equal(shouldSwitchLanguage('json', 'template', true), true);
  assert.equal(shouldSwitchLanguage('json', null, true), false);
  assert.equal(shouldSwitchLanguage('json', 'template', false), false);
  assert.equal(shouldSwitchLanguage('northflank-json', 'template', true), false);
  assert.equal(shouldSwitchLanguage('jsonc', 'template', true), false);
});
