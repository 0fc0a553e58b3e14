import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServerMessageSchema } from '@synthetic-studio/shared';
import { renderSampleScene } from '../../src/media/index.js';
import { connect, hello, tempBridge } from './helpers.js';

test('websocket job flow: accepted, then queued/running, progress, result before the final state; cancel; every message matches the schema', { timeout: 60_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ws jobs '));
  const bridge = await tempBridge();
  try {
    const meta = await renderSampleScene({ dir: path.join(root, 'sample'), width: 96, height: 54, frames: 48 });
    const clip = path.join(root, 'sample', meta.clip);
    const c = await connect(bridge.wsUrl);
    c.send(hello(bridge.token));
    assert.equal((await c.next()).authenticated, true);
    c.send({ v: 1, type: 'job.submit', id: 's1', request: { task: 'copy', source: { path: clip, in: 0, out: 40 }, output: { format: 'png16', dir: path.join(root, 'out') } } });
    const seen: any[] = [];
    for (;;) {
      const m = await c.next(30_000);
      ServerMessageSchema.parse(m);
      seen.push(m);
      if (m.type === 'job.state' && ['succeeded', 'failed', 'cancelled'].includes(m.state)) break;
    }
    assert.equal(seen[0].type, 'job.accepted');
    assert.equal(seen[0].replyTo, 's1');
    const jobId = seen[0].jobId;
    assert.deepEqual(seen.filter((m) => m.type === 'job.state').map((m) => m.state), ['queued', 'running', 'succeeded']);
    const progress = seen.filter((m) => m.type === 'job.progress');
    assert.ok(progress.length >= 1);
    assert.ok(progress.every((m) => m.jobId === jobId));
    const result = seen.find((m) => m.type === 'job.result');
    assert.equal(result.outputs[0].frames, 40);
    assert.ok(seen.indexOf(result) < seen.length - 1, 'result before the final state');

    // Cancel over the socket: a long job (an object removal; a copy of this small intra-coded
    // clip goes decoder-to-encoder and can finish before the cancel lands), cancelled once it runs.
    c.send({ v: 1, type: 'job.submit', id: 's2', request: { task: 'inpaint', source: { path: clip }, mask: { kind: 'file', path: path.join(root, 'sample', meta.mask) }, output: { format: 'png16', dir: path.join(root, 'out2') } } });
    const accepted = await c.until((m) => m.type === 'job.accepted');
    await c.until((m) => m.type === 'job.progress' && m.jobId === accepted.jobId);
    c.send({ v: 1, type: 'job.cancel', id: 'c1', jobId: accepted.jobId });
    const reply = await c.until((m) => m.replyTo === 'c1');
    assert.deepEqual([reply.type, reply.state], ['job.state', 'cancelled']);
    c.send({ v: 1, type: 'job.cancel', id: 'c2', jobId: 'nope' });
    const nf = await c.until((m) => m.replyTo === 'c2');
    assert.deepEqual([nf.type, nf.error.code, nf.jobId], ['job.error', 'E_NOT_FOUND', 'nope']);
    c.send({ v: 1, type: 'jobs.list', id: 'l' });
    const list = await c.until((m) => m.replyTo === 'l');
    assert.deepEqual(list.jobs.map((j: any) => j.state).sort(), ['cancelled', 'succeeded']);
    c.send({ v: 1, type: 'models.list', id: 'm' });
    assert.equal((await c.until((m) => m.replyTo === 'm')).type, 'models');
    c.close();
  } finally {
    await bridge.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an explicit non-loopback host is allowed, with a warning', async () => {
  const warnings: string[] = [];
  const bridge = await tempBridge({ host: '0.0.0.0', onWarning: (w) => warnings.push(w) });
  try {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /reachable from other machines/);
    assert.equal((await fetch(`${bridge.url}/api/health`)).status, 200);
    const log = fs.readFileSync(path.join(bridge.config.dataDir, 'logs', 'bridge.log'), 'utf8');
    assert.match(log, /reachable from other machines/);
  } finally {
    await bridge.dispose();
  }
});
