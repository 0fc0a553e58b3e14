// Runs the free-edition script's Python unittests (pure logic + its HTTP client) against a real
// bridge started here. Skips when python3 is absent.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startBridge, type Bridge } from '../../../bridge-server/src/server/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : null;
// Shared test data lives beside the repository: <repo>/../shared.
const sharedClip = join(here, '..', '..', '..', '..', 'shared', 'data', 'clips', 'light-a-video', 'input_animatediff_car.mp4');

describe('free-edition script (python3 -m unittest)', { skip: python ? false : 'python3 not installed' }, () => {
  let bridge: Bridge;
  let dir: string;
  let clip: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ss-resolve-py-'));
    // Jobs write beside their source by default: give them a copy, never the shared file itself.
    clip = join(dir, 'car clip.mp4');
    if (existsSync(sharedClip)) copyFileSync(sharedClip, clip);
    bridge = await startBridge({ port: 0, configDir: join(dir, 'cfg'), dataDir: join(dir, 'data'), web: false, concurrency: 1 });
  });
  after(async () => {
    await bridge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all unittests pass, including submit/poll/cancel against the bridge', async () => {
    const env = {
      ...process.env,
      SYNTHETIC_STUDIO_TEST_URL: bridge.url,
      SYNTHETIC_STUDIO_TEST_TOKEN: bridge.token,
      SYNTHETIC_STUDIO_TEST_CLIP: existsSync(clip) ? clip : '',
      PYTHONDONTWRITEBYTECODE: '1',
    };
    const child = spawn(python!, ['-m', 'unittest', 'discover', '-v', '-s', here, '-p', 'test_*.py'], { env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    assert.equal(code, 0, output);
    assert.match(output, /^OK/m, output);
    // The bridge tests really ran (not skipped) in this setting.
    assert.match(output, /test_health_needs_no_token .* ok/, output);
    if (existsSync(clip)) assert.match(output, /test_submit_poll_and_cancel_real_jobs .* ok/, output);
  });
});
