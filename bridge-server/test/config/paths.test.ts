import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveStudioDirs, resolveUserPath, jobWorkDir, loadConfig, ensureToken } from '../../src/config/index.js';

test('macOS: config and data under ~/Library/Application Support/Synthetic Studio', () => {
  const d = resolveStudioDirs({ platform: 'darwin', env: {}, home: '/Users/Zoë Åkesson' });
  assert.equal(d.configDir, '/Users/Zoë Åkesson/Library/Application Support/Synthetic Studio');
  assert.equal(d.dataDir, '/Users/Zoë Åkesson/Library/Application Support/Synthetic Studio/Data');
});

test('Windows: roaming config in %APPDATA%, data in %LOCALAPPDATA%, backslash paths', () => {
  const d = resolveStudioDirs({ platform: 'win32', env: { APPDATA: 'C:\\Users\\José María\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\José María\\AppData\\Local' }, home: 'C:\\Users\\José María' });
  assert.equal(d.configDir, 'C:\\Users\\José María\\AppData\\Roaming\\Synthetic Studio');
  assert.equal(d.dataDir, 'C:\\Users\\José María\\AppData\\Local\\Synthetic Studio');
  // Without the variables, fall back to the standard locations under the profile.
  const f = resolveStudioDirs({ platform: 'win32', env: {}, home: 'D:\\Profiles\\山田' });
  assert.equal(f.configDir, 'D:\\Profiles\\山田\\AppData\\Roaming\\Synthetic Studio');
  assert.equal(f.dataDir, 'D:\\Profiles\\山田\\AppData\\Local\\Synthetic Studio');
});

test('Linux: XDG variables, relative XDG values ignored as the spec requires', () => {
  const d = resolveStudioDirs({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg home', XDG_DATA_HOME: '/data/ñ' }, home: '/home/u' });
  assert.equal(d.configDir, '/cfg home/synthetic-studio');
  assert.equal(d.dataDir, '/data/ñ/synthetic-studio');
  const r = resolveStudioDirs({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative', XDG_DATA_HOME: '' }, home: '/home/u' });
  assert.equal(r.configDir, '/home/u/.config/synthetic-studio');
  assert.equal(r.dataDir, '/home/u/.local/share/synthetic-studio');
});

test('SYNTHETIC_STUDIO_HOME overrides every platform', () => {
  assert.deepEqual(resolveStudioDirs({ platform: 'linux', env: { SYNTHETIC_STUDIO_HOME: '/t/s s' }, home: '/h' }), { configDir: '/t/s s/config', dataDir: '/t/s s/data' });
  assert.deepEqual(resolveStudioDirs({ platform: 'win32', env: { SYNTHETIC_STUDIO_HOME: 'E:\\Studio Test' }, home: 'C:\\h' }), { configDir: 'E:\\Studio Test\\config', dataDir: 'E:\\Studio Test\\data' });
  assert.deepEqual(resolveStudioDirs({ platform: 'darwin', env: { SYNTHETIC_STUDIO_HOME: '/Volumes/Média/x' }, home: '/Users/a' }), { configDir: '/Volumes/Média/x/config', dataDir: '/Volumes/Média/x/data' });
});

test('user paths resolve with each platform’s rules, ~ expands, spaces and non-ASCII survive', () => {
  assert.equal(resolveUserPath('Clips/Día 1.mov', { platform: 'win32', cwd: 'C:\\Projects\\Fête', home: 'C:\\Users\\a' }), 'C:\\Projects\\Fête\\Clips\\Día 1.mov');
  assert.equal(resolveUserPath('~\\Videos\\a b.mov', { platform: 'win32', cwd: 'C:\\x', home: 'C:\\Users\\Zoë' }), 'C:\\Users\\Zoë\\Videos\\a b.mov');
  assert.equal(resolveUserPath('\\\\nas\\share\\clip.mov', { platform: 'win32', cwd: 'C:\\x', home: 'C:\\h' }), '\\\\nas\\share\\clip.mov');
  assert.equal(resolveUserPath('~/Movies/été.mov', { platform: 'darwin', cwd: '/tmp', home: '/Users/Zoë' }), '/Users/Zoë/Movies/été.mov');
  assert.equal(resolveUserPath('../out dir', { platform: 'linux', cwd: '/home/u/a', home: '/home/u' }), '/home/u/out dir');
  assert.equal(jobWorkDir('C:\\Data\\Studio', 'j1', 'win32'), 'C:\\Data\\Studio\\jobs\\j1');
  assert.equal(jobWorkDir('/d', 'j1', 'linux'), '/d/jobs/j1');
});

test('the token is created once, kept, and readable by the owner only', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg ü '));
  const t1 = ensureToken(path.join(dir, 'Config Ä'));
  const file = path.join(dir, 'Config Ä', 'token');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.ok(t1.length >= 32);
  fs.chmodSync(file, 0o644);
  assert.equal(ensureToken(path.join(dir, 'Config Ä')), t1);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'loose permissions are tightened');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('config.json is read and validated; a broken file names itself', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ port: 9000, allowedOrigins: ['http://localhost:5173'], concurrency: 2 }));
  const c = loadConfig({ configDir: dir, dataDir: path.join(dir, 'data') });
  assert.equal(c.port, 9000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.hostExplicit, false);
  assert.equal(c.concurrency, 2);
  assert.deepEqual(c.allowedOrigins, ['http://localhost:5173']);
  assert.equal(loadConfig({ configDir: dir, dataDir: path.join(dir, 'data'), port: 0 }).port, 0, 'explicit options win');
  fs.writeFileSync(path.join(dir, 'config.json'), '{"port": "x"}');
  assert.throws(() => loadConfig({ configDir: dir }), (e: unknown) => (e as { code?: string }).code === 'E_VALIDATION' && String((e as Error).message).includes('config.json'));
  fs.rmSync(dir, { recursive: true, force: true });
});
