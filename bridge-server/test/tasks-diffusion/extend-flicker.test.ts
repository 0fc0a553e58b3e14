import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtures } from '@synthetic-studio/models';
import { type FloatFrame, type JobRequestInput, type RequestOf } from '@synthetic-studio/shared';
import { decodePng, readFrames, renderSampleScene } from '../../src/media/index.js';
import { extendTask } from '../../src/tasks/extend.js';
import { runExtendDiffusion, type TemporalRefineTuning } from '../../src/tasks/extend-diffusion.js';
import { warpingError, warpPairFlows } from '../../src/temporal/index.js';
import { taskContext } from '../media/helpers.js';
import { installStableDenoiser } from './stable-denoiser.js';

// Temporal extend with diffusion must not flicker because of the method. With a denoiser whose
// answer is stable (stable-denoiser.ts) the refined new frames may change from frame to frame
// (E_warp along the flow of the classical new frames they refine) by at most the classical
// frames' own change plus the source's usual change; per-frame img2img without the temporal
// machinery (fresh detail each frame, no latent fusion) does not stay within that bound.

const root = mkdtempSync(join(tmpdir(), 'ss-extend-flicker-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const modelsDir = join(root, 'models');
const fixtures = buildFixtures(modelsDir, { seed: 31, only: ['sd'] });
installStableDenoiser(fixtures.sd, join(modelsDir, 'sd-stable'));
const W = 128, H = 72, SRC = 8, NEW = 6;
const scene = renderSampleScene({ dir: join(root, 'scene'), width: W, height: H, frames: SRC, fps: { num: 25, den: 1 } });

async function outputFrames(seqDir: string): Promise<FloatFrame[]> {
  const files = (await readdir(seqDir)).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(files.map(async (f) => {
    const png = decodePng(await readFile(join(seqDir, f)));
    return { width: png.width, height: png.height, channels: 3, data: Float32Array.from(png.samples as Uint16Array, (v) => v / 65535) } as FloatFrame;
  }));
}

const ctx = (request: JobRequestInput, work: string) => taskContext<RequestOf<'extend'>>(request, join(root, work), undefined, { modelsDir });

test('extend temporal (diffusion): with a stable denoiser the refinement adds at most the source\'s usual frame change to the classical frames\' E_warp', async () => {
  const meta = await scene;
  const clip = join(root, 'scene', meta.clip);
  const request = (engine: 'classical' | 'diffusion', work: string): JobRequestInput => ({
    task: 'extend', engine, ...(engine === 'diffusion' ? { model: 'sd-stable' } : {}), seed: 4, source: { path: clip, in: 0, out: SRC },
    params: { mode: 'temporal', frames: NEW, steps: 6 }, output: { format: 'png16', dir: join(root, `out-${work}`) },
  });
  const classical = await outputFrames((await extendTask.run(ctx(request('classical', 'c'), 'c'))).outputs[0].path);
  const diffusion = async (work: string, tuning: Partial<TemporalRefineTuning> = {}) => {
    const r = await runExtendDiffusion(ctx(request('diffusion', work), work), tuning);
    return { r, frames: await outputFrames(r.outputs[0].path) };
  };
  const src: FloatFrame[] = [];
  for await (const { frame } of readFrames(clip, { channels: 3 })) src.push(frame);
  // judged along the motion of the frames the refinement starts from, never the output's own
  const flows = warpPairFlows(classical);
  const eSource = warpingError(src, warpPairFlows(src));
  const eClassical = warpingError(classical, flows);
  const refined = await diffusion('d');
  assert.equal(refined.frames.length, NEW);
  assert.equal(refined.r.metrics.framesRefined, NEW);
  const eRefined = warpingError(refined.frames, flows);
  // the same denoiser, each frame refined on its own (warped noise only): fresh detail every frame
  const perFrame = await diffusion('p', { detailCarry: 0, fuseSteps: 0 });
  const ePerFrame = warpingError(perFrame.frames, flows);
  console.log(`extend flicker (stable denoiser): E_warp source ${eSource.toExponential(2)}, classical ${eClassical.toExponential(2)}, refined ${eRefined.toExponential(2)} (${(eRefined / eClassical).toFixed(2)}x classical), per-frame img2img ${ePerFrame.toExponential(2)} (${(ePerFrame / eClassical).toFixed(2)}x)`);
  assert.ok(eRefined <= eClassical + eSource, `refined E_warp ${eRefined} > classical ${eClassical} + source ${eSource}`);
  assert.ok(ePerFrame > eClassical + eSource, `the bound does not separate: per-frame img2img ${ePerFrame} stays within classical ${eClassical} + source ${eSource}`);
  // the refinement did change the frames (it is not the classical output passed through)
  let diff = 0;
  for (let k = 0; k < NEW; k++) for (let i = 0; i < classical[k].data.length; i++) diff = Math.max(diff, Math.abs(refined.frames[k].data[i] - classical[k].data[i]));
  assert.ok(diff > 1e-3, `refined frames equal the classical ones (max diff ${diff})`);
});
