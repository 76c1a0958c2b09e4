// The storefront's sentence for each refusal a buyer can meet (web/messages.js), checked in node:
// every refusal of the buy request in docs/openapi.yaml has a sentence of its own, and a 429 or
// 503 says how long to wait (its Retry-After).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { explain } from '../../web/messages.js';

const refusal = (code, retryAfter = 0) => ({ code, message: `server says ${code}`, retryAfter });

test('every refusal of the buy request has a sentence of its own', () => {
  const spec = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
  const codes = ['SOLD_OUT', 'PURCHASE_LIMIT', 'NOT_STARTED', 'ENDED', 'RATE_LIMITED', 'UNAVAILABLE',
    'UNAUTHENTICATED', 'USERNAME_TAKEN', 'ORDER_NOT_PAYABLE', 'ORDER_NOT_CANCELLABLE'];
  const sentences = new Set();
  for (const code of codes) {
    assert.ok(spec.includes(`- ${code}`), `${code} is not a code of the API`);
    const sentence = explain(refusal(code));
    assert.ok(!sentence.includes('server says'), `${code} falls back to the server's text`);
    sentences.add(sentence);
  }
  assert.equal(sentences.size, codes.length, 'two refusals read the same');
});

test('a 429 or a 503 says how long to wait', () => {
  assert.equal(explain(refusal('RATE_LIMITED', 3)), 'Too many buyers at this moment: try again in 3 s.');
  assert.match(explain(refusal('UNAVAILABLE', 7)), /\(503\): try again in 7 s\.$/);
  assert.match(explain(refusal('RATE_LIMITED')), /try again in 1 s/);
});

test('a code the page does not know shows the server\'s message and code', () => {
  assert.equal(explain(refusal('INTERNAL')), 'server says INTERNAL (INTERNAL)');
});
