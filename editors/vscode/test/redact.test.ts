// Unit tests for src/redact.ts: the token never reaches an output channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { redact } from '../src/redact';

test('the token is masked raw and inside JSON strings', () => {
  const token = 'nf_t0k3n"with\\quote';
  const trace = `Params: ${JSON.stringify({ initializationOptions: { api: { token, baseUrl: 'x' } } })}`;
  const out = redact(trace, [token]);
  assert.ok(!out.includes('nf_t0k3n'), out);
  assert.equal(out, 'Params: {"initializationOptions":{"api":{"token":"***","baseUrl":"x"}}}');
  assert.equal(redact(`raw ${token} end`, [token]), 'raw *** end');
});

test('any "token" member is masked, even a token the extension does not know', () => {
  assert.equal(redact('{"api": {"token" : "abc-from-elsewhere"}}', []), '{"api": {"token" : "***"}}');
  // a JSON document inside a JSON string (as traces print params)
  assert.equal(redact('"{\\"token\\":\\"abcdef\\"}"', []), '"{\\"token\\":\\"***\\"}"');
});

test('very short secrets are not used as patterns', () => {
  assert.equal(redact('a b c', ['a']), 'a b c');
});

test('text without secrets is unchanged', () => {
  const text = 'northflank-lsp: settings applied {"diagnostics":{"mode":"auto"}}';
  assert.equal(redact(text, ['secret-token']), text);
});
