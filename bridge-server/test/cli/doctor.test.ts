import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, lastLine } from './helpers.js';

test('doctor reports ffmpeg/ffprobe, onnxruntime and providers, folders and free disk', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor ü '));
  try {
    const r = await cli(['doctor', '--json'], home);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(lastLine(r.stdout));
    assert.ok(fs.existsSync(d.ffmpeg.path), 'ffmpeg path exists');
    assert.ok(d.ffmpeg.version.length > 0);
    assert.ok(fs.existsSync(d.ffprobe.path));
    assert.match(d.onnxruntime.version, /^\d+\.\d+\.\d+/);
    assert.ok(d.onnxruntime.executionProviders.includes('cpu'));
    assert.equal(d.dataDir, path.join(home, 'data'));
    assert.equal(d.configDir, path.join(home, 'config'));
    assert.ok(d.disk.freeBytes > 0 && d.disk.totalBytes >= d.disk.freeBytes);
    assert.ok(d.tasks.includes('copy'));
    assert.equal(d.outputFormats.exr, 'built-in OpenEXR writer', 'EXR needs no ffmpeg encoder');
    assert.match(d.outputFormats.prores, /^ffmpeg prores_ks$|^unavailable/);
    const text = await cli(['doctor'], home);
    for (const label of ['ffmpeg', 'ffprobe', 'onnxruntime', 'providers', 'data', 'free disk']) assert.match(text.stdout, new RegExp(`^\\s*${label}\\s`, 'm'));
    assert.ok(text.stdout.includes(d.ffmpeg.version));
    assert.match(text.stdout, /^formats .*exr: built-in OpenEXR writer/m);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('every command has --help', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'help '));
  try {
    const r = await cli(['--help'], home);
    for (const c of ['serve', 'run', 'jobs', 'doctor', 'sample']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    const run = await cli(['run', '--help'], home);
    for (const f of ['--input', '--in', '--out', '--mask', '--prompt', '--engine', '--model', '--output', '--format', '--seed', '--json', '--frames', '--keyframe-spacing', '--light', '--data-dir']) assert.ok(run.stdout.includes(f), f);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
