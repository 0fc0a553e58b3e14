import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@synthetic-studio/shared';
import { loadConfig } from '../../src/config/index.js';
import { startBridge, type Bridge } from '../../src/server/index.js';
import { createLocalTls, enableTlsInConfig, tlsPaths, trustInstructions, writeLocalTls } from '../../src/security/index.js';
import { registerCertCommand } from '../../src/cli/commands/cert.js';
import { Command } from 'commander';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-tls-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('local CA and server certificate', () => {
  it('issues a loopback server certificate signed by a CA whose key is not kept', () => {
    const tls = createLocalTls();
    const ca = new crypto.X509Certificate(tls.caCertPem);
    const leaf = new crypto.X509Certificate(tls.server.certPem);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.verify(ca.publicKey), 'leaf signed by the CA');
    assert.ok(leaf.checkIssued(ca));
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkHost('example.com'), undefined);
    assert.match(leaf.subjectAltName ?? '', /IP Address:0:0:0:0:0:0:0:1|IP Address:::1/i);
    assert.ok(leaf.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'serverAuth');
    const days = (Date.parse(leaf.validTo) - Date.now()) / 86400000;
    assert.ok(days > 800 && days <= 825, `macOS limit of 825 days (got ${days})`);
    // The key matches the leaf; nothing in the result is the CA's private key.
    assert.ok(leaf.checkPrivateKey(crypto.createPrivateKey(tls.server.keyPem)));
    assert.equal(JSON.stringify(tls).match(/BEGIN (RSA )?PRIVATE KEY/g)?.length, 1);
  });

  it('writes the files (key owner-only) and points config.json at them, keeping other settings', () => {
    const configDir = path.join(tmp, 'cfg-write');
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ concurrency: 2 }));
    const p = writeLocalTls(path.join(configDir, 'tls'), createLocalTls());
    enableTlsInConfig(configDir, p);
    if (process.platform !== 'win32') assert.equal(fs.statSync(p.key).mode & 0o777, 0o600);
    const config = loadConfig({ configDir, dataDir: path.join(tmp, 'data-write') });
    assert.deepEqual(config.tls, { cert: p.cert, key: p.key });
    assert.equal(config.concurrency, 2);
    assert.match(trustInstructions(p.caCert, 'darwin'), /security add-trusted-cert -d -r trustRoot/);
    assert.match(trustInstructions(p.caCert, 'win32'), /certutil -user -addstore Root/);
  });

  it('the cert command writes into <config>/tls and enables TLS', async () => {
    const configDir = path.join(tmp, 'cfg-cli');
    const program = new Command().exitOverride();
    registerCertCommand(program);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'synthetic-studio', 'cert', '--config-dir', configDir]);
    } finally {
      process.stdout.write = write;
    }
    const p = tlsPaths(path.join(configDir, 'tls'));
    for (const f of [p.caCert, p.cert, p.key]) assert.ok(fs.existsSync(f), f);
    assert.deepEqual(loadConfig({ configDir, dataDir: path.join(tmp, 'data-cli') }).tls, { cert: p.cert, key: p.key });
    assert.match(out.join(''), /Always Trust/);
  });
});

describe('bridge over https/wss with the local certificate', () => {
  let bridge: Bridge;
  let ca: string;
  before(async () => {
    const configDir = path.join(tmp, 'cfg-serve');
    const p = writeLocalTls(path.join(configDir, 'tls'), createLocalTls());
    ca = fs.readFileSync(p.caCert, 'utf8');
    bridge = await startBridge({ port: 0, configDir, dataDir: path.join(tmp, 'data-serve'), web: false, tls: { cert: p.cert, key: p.key } });
  });
  after(async () => bridge?.close());

  it('advertises https and wss URLs', () => {
    assert.match(bridge.url, /^https:\/\/127\.0\.0\.1:\d+/);
    assert.match(bridge.wsUrl, /^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
  });

  it('answers https with the CA trusted, and is refused without it', async () => {
    const get = (opts: https.RequestOptions) =>
      new Promise<number>((resolve, reject) => https.get(`${bridge.url}/api/health`, opts, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    assert.equal(await get({ ca }), 200);
    await assert.rejects(get({}), /self[- ]signed|unable to get local issuer|UNABLE_TO_VERIFY/i);
  });

  it('completes a wss hello with the token when the client trusts the CA', async () => {
    const ws = new WebSocket(bridge.wsUrl, ['synthetic-studio'], { ca });
    const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', id: 'h1', token: bridge.token, client: { name: 'tls-test', version: '1', host: 'premiere' } })));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as Record<string, unknown>;
        if (msg.type === 'welcome') resolve(msg);
      });
      ws.on('error', reject);
    });
    assert.equal(welcome.authenticated, true);
    assert.equal(ws.protocol, 'synthetic-studio', 'the offered subprotocol is selected (UXP must offer one)');
    ws.close();
    const refused = new WebSocket(bridge.wsUrl, ['synthetic-studio']);
    await assert.rejects(new Promise((resolve, reject) => (refused.on('open', resolve), refused.on('error', reject))), /self[- ]signed|unable to get local issuer|UNABLE_TO_VERIFY/i);
  });
});
