import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLIENT_MESSAGE_TYPES,
  ClientMessageSchema,
  parseClientMessage,
  SERVER_MESSAGE_TYPES,
  ServerMessageSchema,
  type ClientMessageInput,
  type ServerMessage,
} from '@synthetic-studio/shared';

const request = {
  task: 'inpaint',
  engine: 'classical',
  source: { path: 'C:\\Clips\\Día 1.mov', in: 10, out: 34, fps: { num: 24000, den: 1001 }, timecode: '01:00:00:00' },
  placement: { host: 'premiere', track: 2, start: '254016000000', sequenceFps: { num: 24000, den: 1001 } },
  prompt: 'remove the boom mic',
  mask: { kind: 'shapes', frame: 12, track: true, shapes: [{ shape: 'rect', x: 0.1, y: 0.1, w: 0.2, h: 0.3 }, { shape: 'stroke', points: [[0.5, 0.5], [0.6, 0.6]], radius: 0.01 }] },
  output: { format: 'prores', dir: '/Volumes/Média/out', audio: true },
  seed: 42,
  priority: 5,
  params: { dilate: 6, feather: 3, keyframeSpacing: 8, strength: 1, steps: 20, guidance: 7.5, scheduler: 'ddim' },
} as const;

const capabilities = {
  server: { name: 'synthetic-studio-bridge', version: '0.1.0' },
  protocol: 1,
  tasks: [{ name: 'copy', engines: ['classical'], label: 'Copy' }],
  executionProviders: ['cpu'],
  models: [{ name: 'sd15-inpaint', kind: 'sd-inpaint', path: '/m', installed: true, sizeBytes: 10 }],
  formats: ['prores', 'png16'],
  limits: { maxPixels: 100, maxMessageBytes: 1048576 },
} as const;

const record = { id: 'j1', state: 'succeeded', request: { ...request }, createdAt: '2026-01-01T00:00:00Z', outputs: [{ path: '/o/a_inpaint_v001.mov', kind: 'movie', frames: 24, fps: { num: 24, den: 1 }, timecode: '01:00:00:00' }], metrics: { psnr: 40 }, resumes: 1 } as const;

const clientSamples: ClientMessageInput[] = [
  { v: 1, type: 'hello', id: 'a', token: 't', client: { name: 'panel', version: '1.0', host: 'premiere' } },
  { v: 1, type: 'pair', id: 'b', code: '123456' },
  { v: 1, type: 'capabilities.get', id: 'c' },
  { v: 1, type: 'job.submit', id: 'd', request: request as never },
  { v: 1, type: 'job.cancel', id: 'e', jobId: 'j1' },
  { v: 1, type: 'jobs.list' },
  { v: 1, type: 'models.list', id: 'g' },
  { v: 1, type: 'ping', id: 'h' },
];

const serverSamples: ServerMessage[] = [
  { v: 1, type: 'welcome', replyTo: 'a', authenticated: true, capabilities: capabilities as never },
  { v: 1, type: 'paired', replyTo: 'b', token: 'tok' },
  { v: 1, type: 'capabilities', replyTo: 'c', capabilities: capabilities as never },
  { v: 1, type: 'job.accepted', replyTo: 'd', jobId: 'j1', position: 0, request: request as never },
  { v: 1, type: 'job.state', jobId: 'j1', state: 'running' },
  { v: 1, type: 'job.progress', jobId: 'j1', progress: { phase: 'propagate', done: 3, total: 24, eta: 4.2, preview: '/9j/4AAQ' } },
  { v: 1, type: 'job.result', jobId: 'j1', outputs: record.outputs as never, metrics: { psnr: 41.5 }, seconds: 12.5 },
  { v: 1, type: 'job.error', replyTo: 'd', jobId: 'j1', error: { code: 'E_RANGE', message: 'bad', hint: 'fix', details: { in: 5 } } },
  { v: 1, type: 'jobs', replyTo: 'f', jobs: [record as never] },
  { v: 1, type: 'models', replyTo: 'g', models: capabilities.models as never },
  { v: 1, type: 'pong', replyTo: 'h' },
  { v: 1, type: 'error', error: { code: 'E_PROTOCOL_MALFORMED', message: 'x' } },
];

test('the samples cover every client and server message type', () => {
  assert.deepEqual(clientSamples.map((m) => m.type).sort(), [...CLIENT_MESSAGE_TYPES].sort());
  assert.deepEqual(serverSamples.map((m) => m.type).sort(), [...SERVER_MESSAGE_TYPES].sort());
});

test('every client message round-trips through JSON and the schema unchanged (after defaults)', () => {
  for (const m of clientSamples) {
    const parsed = parseClientMessage(JSON.stringify(m));
    assert.equal(parsed.type, m.type);
    // Parsing is idempotent: the normalised message survives another trip byte for byte.
    const again = parseClientMessage(Buffer.from(JSON.stringify(parsed)));
    assert.deepEqual(again, parsed, m.type);
    assert.deepEqual(ClientMessageSchema.parse(JSON.parse(JSON.stringify(parsed))), parsed);
  }
  const submit = parseClientMessage(JSON.stringify(clientSamples[3]));
  assert.equal(submit.type === 'job.submit' && submit.request.source.path, 'C:\\Clips\\Día 1.mov');
});

test('every server message round-trips through JSON and the schema unchanged', () => {
  for (const m of serverSamples) {
    const parsed = ServerMessageSchema.parse(JSON.parse(JSON.stringify(m)));
    assert.deepEqual(ServerMessageSchema.parse(JSON.parse(JSON.stringify(parsed))), parsed, m.type);
    assert.equal(parsed.type, m.type);
  }
});
