import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { connect, hello, tempBridge } from './helpers.js';

test('a websocket from a disallowed web origin is refused with 403; allowed ones connect', async () => {
  const bridge = await tempBridge({ allowedOrigins: ['http://localhost:5173'] });
  try {
    await assert.rejects(connect(`${bridge.wsUrl}?token=${bridge.token}`, { origin: 'https://evil.example' }), (e: any) => e.status === 403);
    await assert.rejects(connect(bridge.wsUrl, { origin: 'null' }), (e: any) => e.status === 403);
    (await connect(bridge.wsUrl, { origin: 'http://localhost:5173' })).close();
    (await connect(bridge.wsUrl, { origin: bridge.url })).close(); // the bridge's own pages
    (await connect(bridge.wsUrl)).close(); // no Origin: UXP, scripts
    // A configured origin may call the API from a page: preflight answered, CORS header set.
    const pre = await fetch(`${bridge.url}/api/jobs`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const evil = await fetch(`${bridge.url}/api/jobs`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  } finally {
    await bridge.dispose();
  }
});

test('HTTP API calls from a disallowed origin get 403 E_ORIGIN, even with the token', async () => {
  const bridge = await tempBridge();
  try {
    const r = await fetch(`${bridge.url}/api/jobs`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${bridge.token}` } });
    assert.equal(r.status, 403);
    assert.equal((await r.json()).error.code, 'E_ORIGIN');
    const own = await fetch(`${bridge.url}/api/jobs`, { headers: { origin: bridge.url, authorization: `Bearer ${bridge.token}` } });
    assert.equal(own.status, 200);
  } finally {
    await bridge.dispose();
  }
});

test('missing or wrong token is refused over HTTP; health needs none', async () => {
  const bridge = await tempBridge();
  try {
    assert.equal((await fetch(`${bridge.url}/api/health`)).status, 200);
    const none = await fetch(`${bridge.url}/api/jobs`);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'E_AUTH_REQUIRED');
    const wrong = await fetch(`${bridge.url}/api/jobs`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error.code, 'E_AUTH_INVALID');
    assert.equal((await fetch(`${bridge.url}/api/capabilities?token=${'x'.repeat(43)}`)).status, 401);
    const post = await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"task":"copy","source":{"path":"/a"}}' });
    assert.equal(post.status, 401);
    assert.equal((await fetch(`${bridge.url}/api/capabilities?token=${bridge.token}`)).status, 200);
  } finally {
    await bridge.dispose();
  }
});

test('missing or wrong token is refused over the websocket; the connection stays usable to pair', async () => {
  const bridge = await tempBridge();
  try {
    await assert.rejects(connect(`${bridge.wsUrl}?token=wrong`), (e: any) => e.status === 401);
    const c = await connect(bridge.wsUrl);
    // Anything before hello is out of order.
    c.send({ v: 1, type: 'jobs.list', id: 'early' });
    let m = await c.next();
    assert.equal(m.type, 'error');
    assert.equal(m.error.code, 'E_PROTOCOL_ORDER');
    assert.equal(m.replyTo, 'early');
    c.send(hello('wrong-token', 'h1'));
    m = await c.next();
    assert.equal(m.error.code, 'E_AUTH_INVALID');
    assert.equal((await c.next()).authenticated, false);
    c.send({ v: 1, type: 'job.submit', id: 's', request: { task: 'copy', source: { path: '/a.mov' } } });
    m = await c.next();
    assert.equal(m.type, 'job.error');
    assert.equal(m.error.code, 'E_AUTH_REQUIRED');
    // Pair with the printed code, then say hello with the token.
    c.send({ v: 1, type: 'pair', id: 'p1', code: '000000' === bridge.pairingCode ? '111111' : '000000' });
    assert.equal((await c.next()).error.code, 'E_AUTH_INVALID');
    c.send({ v: 1, type: 'pair', id: 'p2', code: bridge.pairingCode });
    m = await c.next();
    assert.equal(m.type, 'paired');
    assert.equal(m.token, bridge.token);
    c.send(hello(m.token, 'h2'));
    m = await c.next();
    assert.equal(m.type, 'welcome');
    assert.equal(m.authenticated, true);
    c.send({ v: 1, type: 'ping', id: 'p' });
    assert.equal((await c.next()).type, 'pong');
    c.close();
  } finally {
    await bridge.dispose();
  }
});

test('pairing over HTTP works once per code', async () => {
  const bridge = await tempBridge();
  try {
    const code = bridge.pairingCode;
    const r = await fetch(`${bridge.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).token, bridge.token);
    const again = await fetch(`${bridge.url}/api/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(again.status, 401);
    assert.notEqual(bridge.pairingCode, code);
  } finally {
    await bridge.dispose();
  }
});

test('by default the bridge is not reachable on a non-loopback address', async (t) => {
  const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
  if (!external) return t.skip('this machine has no non-loopback IPv4 address');
  const bridge = await tempBridge();
  try {
    assert.equal(bridge.config.host, '127.0.0.1');
    assert.equal((await fetch(`${bridge.url}/api/health`)).status, 200);
    await assert.rejects(fetch(`http://${external.address}:${bridge.port}/api/health`, { signal: AbortSignal.timeout(3000) }));
  } finally {
    await bridge.dispose();
  }
});
