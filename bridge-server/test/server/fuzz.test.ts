import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODE_LIST, MAX_MESSAGE_BYTES, parseClientMessage } from '@synthetic-studio/shared';
import { mulberry32 } from '../../src/temporal/index.js';
import { connect, hello, tempBridge } from './helpers.js';

/** The engines' seeded PRNG, so every run sends the same 10,000 messages. */
const rng = mulberry32;

const VALID: Record<string, unknown>[] = [
  { v: 1, type: 'hello', id: 'a', token: 't', client: { name: 'p', version: '1', host: 'premiere' } },
  { v: 1, type: 'pair', id: 'b', code: '123456' },
  { v: 1, type: 'capabilities.get', id: 'c' },
  { v: 1, type: 'job.submit', id: 'd', request: { task: 'copy', source: { path: '/a.mov', in: 0, out: 10 } } },
  { v: 1, type: 'job.submit', id: 'd2', request: { task: 'extend', source: { path: '/a.mov' }, params: { frames: 12, direction: 'after' } } },
  { v: 1, type: 'job.cancel', id: 'e', jobId: 'j1' },
  { v: 1, type: 'jobs.list', id: 'f' },
  { v: 1, type: 'models.list', id: 'g' },
  { v: 1, type: 'ping', id: 'h' },
];
const JUNK_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e309 === Infinity ? 1e308 : 0, '', 'x'.repeat(300), [], {}, [1, 2], { a: 1 }, '\u0000', '💥', NaN];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  if (depth > 4 || typeof value !== 'object' || value === null) return JUNK_VALUES[Math.floor(r() * JUNK_VALUES.length)];
  const obj: Record<string, unknown> = Array.isArray(value) ? { ...value } : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(obj);
  const op = Math.floor(r() * 4);
  const k = keys[Math.floor(r() * keys.length)];
  if (op === 0 && k) delete obj[k];
  else if (op === 1 && k) obj[k] = JUNK_VALUES[Math.floor(r() * JUNK_VALUES.length)];
  else if (op === 2 && k) obj[k] = mutate(obj[k], r, depth + 1);
  else obj[`extra${Math.floor(r() * 10)}`] = 1;
  return obj;
}

function generate(r: () => number, i: number): string | Buffer {
  const kind = i % 10;
  const base = VALID[Math.floor(r() * VALID.length)]!;
  switch (kind) {
    case 0: // random bytes, often not UTF-8
      return Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
    case 1: { // truncated JSON
      const s = JSON.stringify(base);
      return s.slice(0, Math.max(0, Math.floor(r() * (s.length - 1))));
    }
    case 2: // not an object
      return JSON.stringify(JUNK_VALUES[Math.floor(r() * JUNK_VALUES.length)]);
    case 3: // wrong or missing version
      return JSON.stringify({ ...base, v: [0, 2, '1', null, undefined][Math.floor(r() * 5)] });
    case 4: // unknown type
      return JSON.stringify({ ...base, type: ['job.delete', 'HELLO', '', 'job', '__proto__', 42][Math.floor(r() * 6)] });
    case 5: // deep nesting
      return '['.repeat(500 + Math.floor(r() * 1500)) + ']'.repeat(500);
    case 6: // prototype tricks
      return `{"v":1,"type":"ping","__proto__":{"admin":true},"constructor":{"prototype":{}}}`;
    default: // structurally mutated valid message (fields dropped, retyped, added, nested)
      return JSON.stringify(mutate(base, r));
  }
}

function isInvalid(m: string | Buffer): boolean {
  try {
    parseClientMessage(m);
    return false;
  } catch {
    return true;
  }
}

test('10,000 seeded malformed messages on one live connection: each gets a coded error, the server keeps working', async () => {
  const bridge = await tempBridge();
  try {
    const c = await connect(`${bridge.wsUrl}?token=${bridge.token}`);
    c.send(hello());
    assert.equal((await c.until((m) => m.type === 'welcome')).authenticated, true);

    const r = rng(20261125);
    const messages: (string | Buffer)[] = [];
    for (let i = 0; messages.length < 9_997; i++) {
      const m = generate(r, i);
      if (isInvalid(m)) messages.push(m); // keep only messages the protocol must refuse
    }
    // Three oversized ones (above 1 MiB, below the transport's hard cap).
    for (let i = 0; i < 3; i++) messages.push(JSON.stringify({ v: 1, type: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES + i * 1000) }));

    for (const m of messages) c.ws.send(m);
    c.send({ v: 1, type: 'ping', id: 'end' });
    const replies: any[] = [];
    for (;;) {
      const m = await c.next(20_000);
      if (m.type === 'pong' && m.replyTo === 'end') break;
      replies.push(m);
    }

    assert.equal(replies.length, messages.length, 'one reply per message');
    const codes = new Map<string, number>();
    for (const m of replies) {
      assert.ok(m.type === 'error' || m.type === 'job.error', `reply type ${m.type}`);
      assert.ok(ERROR_CODE_LIST.includes(m.error.code), `stable code ${m.error.code}`);
      codes.set(m.error.code, (codes.get(m.error.code) ?? 0) + 1);
    }
    for (const code of ['E_PROTOCOL_MALFORMED', 'E_PROTOCOL_VERSION', 'E_PROTOCOL_UNKNOWN_TYPE', 'E_PROTOCOL_TOO_LARGE', 'E_VALIDATION']) assert.ok(codes.get(code), `saw ${code}`);
    assert.equal(codes.get('E_PROTOCOL_TOO_LARGE'), 3);

    // The same connection and the HTTP side still work.
    c.send({ v: 1, type: 'jobs.list', id: 'after' });
    assert.equal((await c.until((m) => m.replyTo === 'after')).type, 'jobs');
    assert.equal((await fetch(`${bridge.url}/api/health`)).status, 200);
    c.close();
  } finally {
    await bridge.dispose();
  }
});
