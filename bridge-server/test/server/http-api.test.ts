import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapabilitiesSchema } from '@synthetic-studio/shared';
import { tempBridge } from './helpers.js';

test('HTTP API: malformed, oversized and invalid bodies get coded errors; unknown job 404', async () => {
  const bridge = await tempBridge();
  const auth = { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' };
  try {
    let r = await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers: auth, body: '{not json' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, 'E_PROTOCOL_MALFORMED');
    r = await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ task: 'copy', source: { path: '/a', in: 9, out: 3 } }) });
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.error.code, 'E_VALIDATION');
    assert.match(body.error.message, /source\.in/);
    r = await fetch(`${bridge.url}/api/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ task: 'copy', source: { path: 'x'.repeat(2 * 1024 * 1024) } }) });
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, 'E_PROTOCOL_TOO_LARGE');
    r = await fetch(`${bridge.url}/api/jobs/nope`, { headers: auth });
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error.code, 'E_NOT_FOUND');
    r = await fetch(`${bridge.url}/api/jobs/nope`, { method: 'DELETE', headers: auth });
    assert.equal(r.status, 404);
    r = await fetch(`${bridge.url}/api/jobs`, { headers: auth });
    assert.deepEqual(await r.json(), { jobs: [] });
    const caps = await (await fetch(`${bridge.url}/api/capabilities`, { headers: auth })).json();
    assert.equal(caps.protocol, 1);
    assert.ok(caps.executionProviders.includes('cpu'));
    CapabilitiesSchema.parse(caps);
    assert.ok(caps.tasks.some((t: any) => t.name === 'copy'));
    // Known models are listed (not installed in a fresh data folder) so a panel can offer them.
    assert.ok(caps.models.length > 0 && caps.models.every((m: any) => m.installed === false));
  } finally {
    await bridge.dispose();
  }
});
