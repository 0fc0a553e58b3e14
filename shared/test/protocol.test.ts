import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientMessage, parseJobRequest, StudioError, PROTOCOL_VERSION } from '../src/index.js';

test('a minimal copy request validates and gets defaults', () => {
  const r = parseJobRequest({ task: 'copy', source: { path: '/clips/a.mov', in: 0, out: 10 } });
  assert.equal(r.engine, 'classical');
  assert.equal(r.output.format, 'prores');
});

test('in >= out is refused with E_VALIDATION naming the field', () => {
  assert.throws(() => parseJobRequest({ task: 'copy', source: { path: 'a', in: 5, out: 5 } }), (e: unknown) => e instanceof StudioError && e.code === 'E_VALIDATION' && /source\.in/.test(e.message));
});

test('unknown message type gets E_PROTOCOL_UNKNOWN_TYPE', () => {
  assert.throws(() => parseClientMessage(JSON.stringify({ v: PROTOCOL_VERSION, type: 'nope' })), (e: unknown) => e instanceof StudioError && e.code === 'E_PROTOCOL_UNKNOWN_TYPE');
});
