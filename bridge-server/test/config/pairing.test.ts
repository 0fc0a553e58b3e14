import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairingCodes } from '../../src/config/index.js';

test('a pairing code works once, then a new one is issued', () => {
  const issued: string[] = [];
  const p = new PairingCodes((c) => issued.push(c));
  const first = p.code;
  assert.match(first, /^\d{6}$/);
  assert.equal(p.exchange(first, 'TOKEN'), 'TOKEN');
  assert.notEqual(p.code, first);
  assert.deepEqual(issued, [p.code]);
  assert.throws(() => p.exchange(first, 'TOKEN'), (e: unknown) => (e as { code?: string }).code === 'E_AUTH_INVALID');
});

test('wrong codes are rate-limited, then allowed again after the window', () => {
  let now = 0;
  const p = new PairingCodes(() => {}, { maxFailures: 3, windowMs: 60_000, now: () => now });
  const wrong = p.code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 3; i++) assert.throws(() => p.exchange(wrong, 'T'), (e: unknown) => (e as { code?: string }).code === 'E_AUTH_INVALID');
  // Even the right code is refused while limited: guessing cannot be sped up.
  assert.throws(() => p.exchange(p.code, 'T'), (e: unknown) => (e as { code?: string }).code === 'E_BUSY');
  now = 60_001;
  assert.equal(p.exchange(p.code, 'T'), 'T');
});
