import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerInstallCommand } from '../../../bridge-server/src/cli/commands/install.js';
import { SCRIPT_SOURCE } from '../../src/install/build-plugin.js';
import { installResolvePlugin, installResolveScript, uninstallResolvePlugin, uninstallResolveScript } from '../../src/install/resolve-install.js';
import { parseManifestXml } from '../../src/plugin/manifest.js';
import { PLUGIN_ID } from '../../src/plugin/ipc.js';

const tmp = mkdtempSync(join(tmpdir(), 'ss-resolve-install-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const bridge = { url: 'http://127.0.0.1:7788', tokenFile: join(tmp, 'cfg', 'token') };

describe('install resolve --dry-run: OS folders', () => {
  it('macOS: /Library/.../Workflow Integration Plugins, native module from the Developer examples', async () => {
    const found = '/Library/Application Support/Blackmagic Design/DaVinci Resolve/Developer/Workflow Integrations/Examples/SamplePlugin/WorkflowIntegration.node';
    const r = await installResolvePlugin({ platform: 'darwin', env: {}, home: '/Users/ed', dryRun: true, bridge, exists: (p) => p === found });
    assert.equal(r.target, '/Library/Application Support/Blackmagic Design/DaVinci Resolve/Workflow Integration Plugins/com.syntheticstudio.resolve');
    assert.equal(r.nativeModule, found);
    assert.deepEqual(r.steps.at(-1), { op: 'copy', from: found, to: `${r.target}/WorkflowIntegration.node` });
    assert.ok(r.steps.some((s) => s.to === `${r.target}/manifest.xml`));
    assert.match(r.messages.join('\n'), /Restart DaVinci Resolve/);
  });

  it('Windows: %PROGRAMDATA%\\...\\Support\\Workflow Integration Plugins; says where the native module comes from when Resolve is absent', async () => {
    const r = await installResolvePlugin({ platform: 'win32', env: { PROGRAMDATA: 'D:\\ProgramData' }, home: 'C:\\Users\\Ed', dryRun: true, bridge, exists: () => false });
    assert.equal(r.target, 'D:\\ProgramData\\Blackmagic Design\\DaVinci Resolve\\Support\\Workflow Integration Plugins\\com.syntheticstudio.resolve');
    assert.equal(r.nativeModule, null);
    assert.ok(r.steps.every((s) => s.op !== 'copy'));
    assert.match(r.messages.join('\n'), /D:\\ProgramData\\Blackmagic Design\\DaVinci Resolve\\Support\\Developer\\Workflow Integrations\\Examples\\SamplePlugin\\WorkflowIntegration\.node/);
  });

  it('Linux has no Workflow Integrations: refuses without --dest and points to the script', async () => {
    await assert.rejects(installResolvePlugin({ platform: 'linux', env: {}, home: '/home/ed', dryRun: true, bridge }), /install resolve-script/);
  });

  it('resolve-script: the per-user Fusion Scripts/Utility folder on macOS and Windows', () => {
    const mac = installResolveScript({ platform: 'darwin', env: {}, home: '/Users/ed', dryRun: true, bridge });
    assert.equal(mac.target, '/Users/ed/Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion/Scripts/Utility/Synthetic Studio.py');
    const win = installResolveScript({ platform: 'win32', env: { APPDATA: 'C:\\Users\\Ed\\AppData\\Roaming' }, home: 'C:\\Users\\Ed', dryRun: true, bridge });
    assert.equal(win.target, 'C:\\Users\\Ed\\AppData\\Roaming\\Blackmagic Design\\DaVinci Resolve\\Support\\Fusion\\Scripts\\Utility\\Synthetic Studio.py');
  });

  it('a dry run writes nothing', async () => {
    const dest = join(tmp, 'dry');
    await installResolvePlugin({ platform: process.platform, env: {}, home: tmp, dest, dryRun: true, bridge });
    installResolveScript({ platform: process.platform, env: {}, home: tmp, dest, dryRun: true, bridge });
    assert.equal(existsSync(dest), false);
  });
});

describe('install resolve into a temporary folder (real)', () => {
  it('builds the plugin folder, links the bridge, copies WorkflowIntegration.node from --from, and uninstalls', async () => {
    const dest = join(tmp, 'plugins');
    const native = join(tmp, 'Resolve Dev', 'WorkflowIntegration.node');
    mkdirSync(join(tmp, 'Resolve Dev'), { recursive: true });
    writeFileSync(native, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
    const r = await installResolvePlugin({ platform: process.platform, env: {}, home: tmp, dest, from: native, bridge });
    const dir = join(dest, 'com.syntheticstudio.resolve');
    assert.equal(r.target, dir);
    for (const f of ['manifest.xml', 'package.json', 'main.js', 'preload.js', 'index.html', 'panel.js', 'bridge.json', 'WorkflowIntegration.node']) assert.ok(existsSync(join(dir, f)), f);
    assert.deepEqual(parseManifestXml(readFileSync(join(dir, 'manifest.xml'), 'utf8')), {
      id: PLUGIN_ID,
      name: 'Synthetic Studio',
      version: '0.1.0',
      description: 'Local generative video: remove, extend and relight clips with the Synthetic Studio bridge.',
      filePath: 'main.js',
    });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'bridge.json'), 'utf8')), bridge);
    assert.deepEqual(readFileSync(join(dir, 'WorkflowIntegration.node')), readFileSync(native));
    // main.js keeps the two runtime requires Resolve's Electron provides; preload needs only electron.
    const main = readFileSync(join(dir, 'main.js'), 'utf8');
    assert.match(main, /require\("\.\/WorkflowIntegration\.node"\)/);
    assert.match(main, /require\("electron"\)/);
    assert.deepEqual([...readFileSync(join(dir, 'preload.js'), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]), ['electron']);
    assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /<script src="panel\.js"><\/script>/);

    // Reinstall over it (no Resolve here: the rest installs, the native module is explained).
    const again = await installResolvePlugin({ platform: 'linux', env: {}, home: tmp, dest, bridge, exists: (p) => existsSync(p) && !p.endsWith('.node') });
    assert.equal(again.nativeModule, null);
    assert.ok(existsSync(join(dir, 'main.js')));
    assert.equal(existsSync(join(dir, 'WorkflowIntegration.node')), false, 'a reinstall starts from a clean folder');

    uninstallResolvePlugin({ platform: process.platform, env: {}, home: tmp, dest });
    assert.equal(existsSync(dir), false);
  });

  it('install and uninstall refuse a folder that is not ours', async () => {
    const dest = join(tmp, 'foreign');
    mkdirSync(join(dest, 'com.syntheticstudio.resolve'), { recursive: true });
    writeFileSync(join(dest, 'com.syntheticstudio.resolve', 'manifest.xml'), '<BlackmagicDesign><Plugin><Id>com.other</Id></Plugin></BlackmagicDesign>');
    assert.throws(() => uninstallResolvePlugin({ platform: process.platform, env: {}, home: tmp, dest }), /not a Synthetic Studio plugin/);
    await assert.rejects(installResolvePlugin({ platform: process.platform, env: {}, home: tmp, dest, bridge }), /not a Synthetic Studio plugin/);
    assert.ok(existsSync(join(dest, 'com.syntheticstudio.resolve', 'manifest.xml')));
  });

  it('install resolve-script copies the script and its bridge link; uninstall removes only those', () => {
    const dest = join(tmp, 'Fusion Scripts', 'Utility');
    mkdirSync(dest, { recursive: true });
    writeFileSync(join(dest, 'Other.py'), 'print(1)');
    const r = installResolveScript({ platform: process.platform, env: {}, home: tmp, dest, bridge });
    assert.deepEqual(readFileSync(r.target), readFileSync(SCRIPT_SOURCE));
    assert.deepEqual(JSON.parse(readFileSync(join(dest, 'synthetic_studio_bridge.json'), 'utf8')), bridge);
    uninstallResolveScript({ platform: process.platform, env: {}, home: tmp, dest });
    assert.equal(existsSync(r.target), false);
    assert.ok(existsSync(join(dest, 'Other.py')));
  });
});

describe('CLI: synthetic-studio install / uninstall', () => {
  async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
    const program = new Command().exitOverride();
    let out = '';
    let err = '';
    registerInstallCommand(program, { out: (t) => void (out += t), err: (t) => void (err += t) });
    const before = process.exitCode;
    process.exitCode = 0;
    await program.parseAsync(['node', 'synthetic-studio', ...args]);
    const code = Number(process.exitCode ?? 0);
    process.exitCode = before;
    return { out, err, code };
  }

  it('install resolve --dry-run --platform darwin prints the plan and exits 0', async () => {
    const r = await cli(['install', 'resolve', '--dry-run', '--platform', 'darwin', '--config-dir', join(tmp, 'cfg')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Workflow Integration Plugins\/com\.syntheticstudio\.resolve\/manifest\.xml/);
    assert.match(r.out, /WorkflowIntegration\.node/);
  });

  it('install resolve --dest DIR installs without Resolve, exits 0 and says where the native module comes from; uninstall removes it', async () => {
    const dest = join(tmp, 'cli-dest');
    const r = await cli(['install', 'resolve', '--dest', dest, '--config-dir', join(tmp, 'cfg')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /not installed here/);
    const link = JSON.parse(readFileSync(join(dest, 'com.syntheticstudio.resolve', 'bridge.json'), 'utf8')) as { url: string; tokenFile: string };
    assert.match(link.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(link.tokenFile, join(tmp, 'cfg', 'token'));
    const u = await cli(['uninstall', 'resolve', '--dest', dest]);
    assert.equal(u.code, 0, u.err);
    assert.equal(existsSync(join(dest, 'com.syntheticstudio.resolve')), false);
  });

  it('an unknown target fails with exit code 1', async () => {
    const r = await cli(['install', 'avid', '--dry-run']);
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown target/);
  });
});
