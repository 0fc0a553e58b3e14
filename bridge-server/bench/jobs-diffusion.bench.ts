/**
 * Inpaint / extend with the diffusion engine (fixture models, sample scene). Prints, each against
 * a baseline measured in this run:
 * - UNet calls per output frame of remove and replace, next to per-frame generation (every frame
 *   diffused with the same settings): absolute and as a fraction (target ≤ 0.2).
 * - E_warp inside the mask (flicker of the edited region; flows from the SOURCE frames) of the
 *   keyframe + propagation output relative to per-frame generation (target ≤ 1).
 * - extend temporal: seam change / median source frame change (target ≤ 1.5) for diffusion and
 *   the classical engine, and E_warp of the new frames relative to the source tail's.
 * The fixture models have random weights: their pictures are noise-like, so E_warp numbers show
 * what the temporal machinery does with arbitrary generated content, not image quality.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFixtures } from '@synthetic-studio/models';
import { parseJobRequest, type FloatFrame, type JobRequest, type JobRequestInput, type RequestOf } from '@synthetic-studio/shared';
import { decodePng, loadMask, probeMedia, readFrames, renderSampleScene, resolveRange } from '../src/media/index.js';
import { extendTask } from '../src/tasks/extend.js';
import { inpaintTask } from '../src/tasks/inpaint.js';
import type { TaskContext, TaskResult } from '../src/tasks/task.js';
import { computeFlowPair, maskFromFrame, warpingError, type Mask, type WarpPairFlows } from '../src/temporal/index.js';

const W = 128, H = 72, N = 24, STEPS = 4;

function context(root: string, modelsDir: string, request: JobRequestInput, work: string): TaskContext<JobRequest> {
  return {
    jobId: 'bench', request: parseJobRequest(request), workDir: join(root, work), signal: new AbortController().signal,
    progress: () => undefined, log: { debug() {}, info() {}, warn() {}, error() {} },
    env: { modelsDir, maxPixels: 8192 * 4320, executionProviders: ['cpu'] },
  };
}

async function frames(dir: string): Promise<FloatFrame[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(files.map(async (f) => {
    const png = decodePng(await readFile(join(dir, f)));
    const s = png.samples as Uint16Array;
    const d = new Float32Array(s.length);
    for (let i = 0; i < s.length; i++) d[i] = s[i] / 65535;
    return { width: png.width, height: png.height, channels: 3, data: d } as FloatFrame;
  }));
}

async function decodeAll(path: string): Promise<FloatFrame[]> {
  const out: FloatFrame[] = [];
  for await (const { frame } of readFrames(path, { channels: 3 })) out.push(frame);
  return out;
}

function flowsOf(fr: FloatFrame[]): WarpPairFlows[] {
  const out: WarpPairFlows[] = [];
  for (let t = 1; t < fr.length; t++) {
    const { fwd, bwd } = computeFlowPair(fr[t], fr[t - 1]);
    out.push({ back: fwd, fwd: bwd });
  }
  return out;
}

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ss-bench-jobs-diffusion-'));
  try {
    const modelsDir = join(root, 'models');
    buildFixtures(modelsDir, { seed: 11 });
    const meta = await renderSampleScene({ dir: join(root, 'scene'), width: W, height: H, frames: N, fps: { num: 25, den: 1 } });
    const clip = join(root, 'scene', meta.clip);
    const src = await decodeAll(clip);
    const srcFlows = flowsOf(src);
    const info = await probeMedia(clip);
    const holesFor = async (req: JobRequestInput): Promise<Mask[]> => {
      const ms = await loadMask(parseJobRequest(req).mask!, { info, range: resolveRange(info), dilate: 2 });
      const out: Mask[] = [];
      for (let i = 0; i < N; i++) out.push(maskFromFrame(await (ms as { get(i: number): Promise<FloatFrame> }).get(i), 0));
      await ms.close();
      return out;
    };
    const inpaint = async (req: JobRequestInput, work: string): Promise<{ r: TaskResult; out: FloatFrame[] }> => {
      const r = await inpaintTask.run(context(root, modelsDir, { ...req, output: { format: 'png16', dir: join(root, `out-${work}`) } }, work) as TaskContext<RequestOf<'inpaint'>>);
      return { r, out: await frames(r.outputs[0].path) };
    };

    console.log(`jobs-diffusion: sample scene ${W}x${H}, ${N} frames, fixture models, ${STEPS} steps`);
    // replace: keyframes every 12 frames vs every frame
    const replace: JobRequestInput = {
      task: 'inpaint', engine: 'diffusion', model: 'sd-inpaint', seed: 4, prompt: 'a red ball', source: { path: clip },
      mask: { kind: 'file', path: join(root, 'scene', meta.mask) }, params: { dilate: 2, steps: STEPS },
    };
    const holes = await holesFor(replace);
    const kf = await inpaint(replace, 'replace-k12');
    const pf = await inpaint({ ...replace, params: { dilate: 2, steps: STEPS, keyframeSpacing: 1 } }, 'replace-k1');
    const eK = warpingError(kf.out, srcFlows, holes), eP = warpingError(pf.out, srcFlows, holes);
    console.log(`  replace  UNet calls/frame ${fmt(kf.r.metrics.unetCallsPerFrame, 2)} vs per-frame generation ${fmt(pf.r.metrics.unetCallsPerFrame, 2)} → ${fmt(kf.r.metrics.unetCallsPerFrame / pf.r.metrics.unetCallsPerFrame)} (target ≤ 0.2); keyframes ${kf.r.metrics.keyframes}/${N}`);
    console.log(`  replace  E_warp in mask ${fmt(eK, 5)} vs per-frame generation ${fmt(eP, 5)} → ${fmt(eK / eP)} (target ≤ 1)`);

    // remove: a held mask whose centre no frame shows; per-frame generation = every frame diffused
    const remove: JobRequestInput = {
      task: 'inpaint', engine: 'diffusion', model: 'sd-inpaint', seed: 4, source: { path: clip },
      mask: { kind: 'shapes', frame: 0, track: false, shapes: [{ shape: 'rect', x: 0.3, y: 0.25, w: 0.4, h: 0.5 }] }, params: { dilate: 2, steps: STEPS },
    };
    const rHoles = await holesFor(remove);
    const rm = await inpaint(remove, 'remove');
    // per-frame generation: every frame inpainted (a replace run with keyframes every frame)
    const rmPer = await inpaint({ ...remove, prompt: 'background', params: { dilate: 2, steps: STEPS, keyframeSpacing: 1 } }, 'remove-k1');
    const eR = warpingError(rm.out, srcFlows, rHoles), eRP = warpingError(rmPer.out, srcFlows, rHoles);
    console.log(`  remove   UNet calls/frame ${fmt(rm.r.metrics.unetCallsPerFrame, 2)} vs per-frame generation ${fmt(rmPer.r.metrics.unetCallsPerFrame, 2)} → ${fmt(rm.r.metrics.unetCallsPerFrame / rmPer.r.metrics.unetCallsPerFrame)} (target ≤ 0.2); keyframes ${rm.r.metrics.keyframes}, unseen px ${rm.r.metrics.unseenPixels}`);
    console.log(`  remove   E_warp in mask ${fmt(eR, 5)} vs per-frame generation ${fmt(eRP, 5)} → ${fmt(eR / eRP)} (target ≤ 1)`);

    // extend temporal: diffusion refinement vs the classical engine
    const ext = async (engine: 'classical' | 'diffusion', work: string) => {
      const req: JobRequestInput = {
        task: 'extend', engine, ...(engine === 'diffusion' ? { model: 'sd' } : {}), seed: 4, source: { path: clip, in: 0, out: 16 },
        params: { mode: 'temporal', frames: 8, steps: 6 }, output: { format: 'png16', dir: join(root, `out-${work}`) },
      };
      const r = await extendTask.run(context(root, modelsDir, req, work) as TaskContext<RequestOf<'extend'>>);
      return { r, out: await frames(r.outputs[0].path) };
    };
    const xd = await ext('diffusion', 'ext-d'), xc = await ext('classical', 'ext-c');
    const tail = src.slice(8, 16);
    const eTail = warpingError(tail, flowsOf(tail));
    const eD = warpingError(xd.out, flowsOf(xd.out)), eC = warpingError(xc.out, flowsOf(xc.out));
    console.log(`  extend   seam change diffusion ${fmt(xd.r.metrics.seamChange)} vs classical ${fmt(xc.r.metrics.seamChange)} (target ≤ 1.5); UNet calls/new frame ${fmt(xd.r.metrics.unetCallsPerFrame, 2)}`);
    console.log(`  extend   E_warp of new frames / source tail: diffusion ${fmt(eD / eTail)} vs classical ${fmt(eC / eTail)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
