/**
 * Temporal engine benchmark (issue 4): video completion quality against ground truth and against
 * per-frame OpenCV Telea inpainting, flicker (E_warp, flows from OpenCV DIS on the ground truth),
 * colour continuity across processing windows, flow speed/accuracy against OpenCV DIS MEDIUM on
 * 1080p pairs, completion throughput at 1080p, and peak memory for short vs long clips.
 *
 * Scale with env vars (defaults in brackets):
 *   TEMPORAL_BENCH_BMX_FRAMES [80]      frames of bmx-trees used
 *   TEMPORAL_BENCH_PLACEMENTS [3]       stationary mask placements on bmx-trees
 *   TEMPORAL_BENCH_SCENE_FRAMES [24]    sample-scene frames (320x180)
 *   TEMPORAL_BENCH_HD_PAIRS [2]         1080p flow pairs
 *   TEMPORAL_BENCH_FLOW_REPS [3]        interleaved repetitions of the flow timing (ours 1 and 2 threads, OpenCV 1 and default)
 *   TEMPORAL_BENCH_HD_FRAMES [6]        1080p completion frames
 *   TEMPORAL_BENCH_MEM_FRAMES [100,1000] memory probe clip lengths (at 160x90)
 *   TEMPORAL_BENCH_SKIP                 comma list of sections to skip: scene,bmx,flow,fps,memory
 *   TEMPORAL_BENCH_FLOW_FILL, TEMPORAL_BENCH_DIS  completion variant (harmonic|motion, quality|medium; default: the engine's)
 *   TEMPORAL_BENCH_ONLY                 comma list of the sections to run (the others skipped), e.g. flow
 * OpenCV comes from Debian's python3-opencv (installed here with apt-get when missing and
 * possible); without it the baselines are skipped and E_warp uses the project's own flow (said so).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { FloatFrame } from '@synthetic-studio/shared';
import { decodePng, readFrames, renderSampleScene } from '../src/media/index.js';
import {
  completeVideo, computeFlow, createMask, resizeFlow, dilateMask, DIS_MEDIUM, DIS_QUALITY, flowBetween, flowInput, FlowPool, maskFromFrame, psnr, ssim, warpingError,
  type CompletionOptions, type FlowField, type FlowFillMode, type Mask, type WarpPairFlows,
} from '../src/temporal/index.js';

const run$ = promisify(execFile);
const PY = '/usr/bin/python3';
const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const skip = new Set((process.env.TEMPORAL_BENCH_SKIP ?? '').split(',').filter(Boolean));
if (process.env.TEMPORAL_BENCH_ONLY) {
  const only = new Set(process.env.TEMPORAL_BENCH_ONLY.split(','));
  for (const k of ['scene', 'bmx', 'flow', 'fps', 'memory']) if (!only.has(k)) skip.add(k);
}

const PY_HELPER = String.raw`
import sys, json, time
import numpy as np, cv2
cmd = sys.argv[1]
if len(sys.argv) > 3: cv2.setNumThreads(int(sys.argv[3]))
if cmd == 'telea':
    total = 0.0
    for line in open(sys.argv[2]):
        a, m, o = line.rstrip('\n').split('\t')
        img = cv2.imread(a, cv2.IMREAD_COLOR); mk = cv2.imread(m, cv2.IMREAD_GRAYSCALE)
        t = time.perf_counter(); r = cv2.inpaint(img, ((mk > 0) * 255).astype(np.uint8), 5, cv2.INPAINT_TELEA); total += time.perf_counter() - t
        cv2.imwrite(o, r)
    print(json.dumps({'seconds': total}))
elif cmd == 'dis':
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    total = 0.0
    for line in open(sys.argv[2]):
        a, b, o = line.rstrip('\n').split('\t')
        A = cv2.imread(a, cv2.IMREAD_GRAYSCALE); B = cv2.imread(b, cv2.IMREAD_GRAYSCALE)
        t = time.perf_counter(); f = dis.calc(A, B, None); total += time.perf_counter() - t
        np.ascontiguousarray(f, dtype=np.float32).tofile(o)
    print(json.dumps({'seconds': total}))
`;

async function haveOpenCv(): Promise<boolean> {
  const ok = async () => { try { await run$(PY, ['-c', 'import cv2']); return true; } catch { return false; } };
  if (!existsSync(PY)) return false;
  if (await ok()) return true;
  console.log('  python3-opencv missing: trying apt-get install -y python3-opencv …');
  try {
    await run$('apt-get', ['install', '-y', 'python3-opencv'], { timeout: 600_000, maxBuffer: 64 << 20 });
  } catch {
    try {
      await run$('apt-get', ['update'], { timeout: 300_000, maxBuffer: 64 << 20 });
      await run$('apt-get', ['install', '-y', 'python3-opencv'], { timeout: 600_000, maxBuffer: 64 << 20 });
    } catch (e) {
      console.log(`  apt-get failed (${(e as Error).message.split('\n')[0]}); OpenCV baselines skipped`);
    }
  }
  return ok();
}

async function py(dir: string, cmd: string, lines: string[], threads?: number): Promise<{ seconds: number }> {
  const script = join(dir, 'cv_helper.py');
  if (!existsSync(script)) await writeFile(script, PY_HELPER);
  const list = join(dir, `${cmd}-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(list, lines.join('\n') + '\n');
  const { stdout } = await run$(PY, [script, cmd, list, ...(threads ? [String(threads)] : [])], { maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function writePng8(f: FloatFrame, path: string): Promise<void> {
  const n = f.width * f.height, c = f.channels;
  const b = Buffer.alloc(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) b[i * 3 + k] = Math.max(0, Math.min(255, Math.round(f.data[i * c + Math.min(k, c - 1)] * 255)));
  await sharp(b, { raw: { width: f.width, height: f.height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(path);
}

async function writeMaskPng(m: Mask, path: string): Promise<void> {
  await sharp(Buffer.from(m.data.map((v) => (v ? 255 : 0))), { raw: { width: m.width, height: m.height, channels: 1 } }).png().toFile(path);
}

async function readImage(path: string): Promise<FloatFrame> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const d = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) d[i] = data[i] / 255;
  return { width: info.width, height: info.height, channels: 3, data: d };
}

async function readFlowBin(path: string, w: number, h: number): Promise<FlowField> {
  const buf = await readFile(path);
  const f = new Float32Array(buf.buffer, buf.byteOffset, w * h * 2);
  const u = new Float32Array(w * h), v = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) { u[i] = f[2 * i]; v[i] = f[2 * i + 1]; }
  return { width: w, height: h, u, v };
}

/** Flows for E_warp on the ground truth: OpenCV DIS when available, else ours (flagged). */
async function gtFlows(dir: string, gt: FloatFrame[], cv: boolean): Promise<WarpPairFlows[]> {
  const { width: w, height: h } = gt[0];
  if (!cv) {
    const out: WarpPairFlows[] = [];
    for (let t = 1; t < gt.length; t++) out.push({ back: computeFlow(gt[t], gt[t - 1]), fwd: computeFlow(gt[t - 1], gt[t]) });
    return out;
  }
  const paths = await Promise.all(gt.map(async (f, t) => { const p = join(dir, `gt_${t}.png`); await writePng8(f, p); return p; }));
  const lines: string[] = [];
  for (let t = 1; t < gt.length; t++) lines.push(`${paths[t]}\t${paths[t - 1]}\t${join(dir, `b_${t}.bin`)}`, `${paths[t - 1]}\t${paths[t]}\t${join(dir, `f_${t}.bin`)}`);
  await py(dir, 'dis', lines);
  const out: WarpPairFlows[] = [];
  for (let t = 1; t < gt.length; t++) out.push({ back: await readFlowBin(join(dir, `b_${t}.bin`), w, h), fwd: await readFlowBin(join(dir, `f_${t}.bin`), w, h) });
  return out;
}

async function telea(dir: string, frames: FloatFrame[], holes: Mask[]): Promise<{ frames: FloatFrame[]; seconds: number }> {
  const lines: string[] = [];
  for (let t = 0; t < frames.length; t++) {
    const a = join(dir, `tin_${t}.png`), m = join(dir, `tm_${t}.png`), o = join(dir, `tout_${t}.png`);
    await writePng8(frames[t], a);
    await writeMaskPng(holes[t], m);
    lines.push(`${a}\t${m}\t${o}`);
  }
  const r = await py(dir, 'telea', lines);
  const out: FloatFrame[] = [];
  for (let t = 0; t < frames.length; t++) {
    // keep the untouched pixels exact (8-bit PNG round trip only matters inside the hole)
    const f = await readImage(join(dir, `tout_${t}.png`));
    const d = new Float32Array(frames[t].data);
    for (let i = 0; i < holes[t].data.length; i++) if (holes[t].data[i]) for (let k = 0; k < 3; k++) d[i * 3 + k] = f.data[i * 3 + k];
    out.push({ ...frames[t], data: d });
  }
  return { frames: out, seconds: r.seconds };
}

interface Scores { psnrMask: number; psnrWhole: number; ssimMask: number; ssimWhole: number; ewarp: number; ewarpHole: number }

function score(out: FloatFrame[], gt: FloatFrame[], masks: Mask[], holes: Mask[], flows: WarpPairFlows[]): Scores {
  let pm = 0, pw = 0, sm = 0, sw = 0;
  const T = out.length;
  for (let t = 0; t < T; t++) {
    pm += Math.min(100, psnr(out[t], gt[t], masks[t]));
    pw += Math.min(100, psnr(out[t], gt[t]));
    sm += ssim(out[t], gt[t], masks[t]);
    sw += ssim(out[t], gt[t]);
  }
  return { psnrMask: pm / T, psnrWhole: pw / T, ssimMask: sm / T, ssimWhole: sw / T, ewarp: warpingError(out, flows), ewarpHole: warpingError(out, flows, holes) };
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function printScores(label: string, s: Scores, gtE: { ewarp: number; ewarpHole: number }): void {
  console.log(`    ${label.padEnd(10)} PSNR mask ${fmt(s.psnrMask)} dB, whole ${fmt(s.psnrWhole)} dB | SSIM mask ${fmt(s.ssimMask, 4)}, whole ${fmt(s.ssimWhole, 4)} | E_warp whole ${s.ewarp.toExponential(3)} (x${fmt(s.ewarp / gtE.ewarp, 3)} of GT), hole ${s.ewarpHole.toExponential(3)} (x${fmt(s.ewarpHole / gtE.ewarpHole, 3)} of GT)`);
}

/** Mean fill colour per frame; steps at window joins vs steps inside windows, and the truth's steps at the joins. */
function windowDrift(out: FloatFrame[], gt: FloatFrame[], holes: Mask[], joins: number[]): { join: number[]; gtJoin: number[]; insideMedian: number; insideMax: number } {
  const meanOf = (fs: FloatFrame[]) => fs.map((f, t) => { let s = 0, n = 0; for (let i = 0; i < holes[t].data.length; i++) if (holes[t].data[i]) { s += f.data[i * 3] + f.data[i * 3 + 1] + f.data[i * 3 + 2]; n += 3; } return n ? s / n : 0; });
  const m = meanOf(out), g = meanOf(gt);
  const steps = m.slice(1).map((x, i) => Math.abs(x - m[i]));
  const inside = steps.filter((_, i) => !joins.includes(i + 1)).sort((a, b) => a - b);
  return { join: joins.map((j) => steps[j - 1]), gtJoin: joins.map((j) => Math.abs(g[j] - g[j - 1])), insideMedian: inside.length ? inside[inside.length >> 1] : 0, insideMax: inside.length ? inside[inside.length - 1] : 0 };
}

/**
 * Completion settings under test: the defaults, or TEMPORAL_BENCH_FLOW_FILL=harmonic|motion and
 * TEMPORAL_BENCH_DIS=quality|medium to compare a flow-completion mode or flow preset.
 */
function completionOptions(): CompletionOptions {
  const fill = process.env.TEMPORAL_BENCH_FLOW_FILL as FlowFillMode | undefined;
  const dis = process.env.TEMPORAL_BENCH_DIS;
  return { ...(fill ? { flowFill: fill } : {}), ...(dis ? { flow: { dis: dis === 'medium' ? DIS_MEDIUM : DIS_QUALITY } } : {}) };
}

async function completeAll(frames: FloatFrame[], masks: Mask[], dilate: number): Promise<{ out: FloatFrame[]; holes: Mask[]; seconds: number; joins: number[] }> {
  const out: FloatFrame[] = [], holes: Mask[] = [];
  const t0 = performance.now();
  const sum = await completeVideo({ length: frames.length, frame: (i) => frames[i], mask: (i) => masks[i] }, { ...completionOptions(), dilate }, (i, f, h) => { out[i] = f; holes[i] = h; });
  return { out, holes, seconds: (performance.now() - t0) / 1000, joins: sum.windowJoins };
}

function blank(f: FloatFrame, m: Mask): FloatFrame {
  const d = new Float32Array(f.data);
  for (let i = 0; i < m.data.length; i++) if (m.data[i]) for (let k = 0; k < 3; k++) d[i * 3 + k] = 0;
  return { ...f, data: d };
}

async function evaluate(label: string, dir: string, gt: FloatFrame[], input: FloatFrame[], masks: Mask[], cv: boolean, dilate = 4, gtFlowsKnown?: WarpPairFlows[]): Promise<Scores> {
  const flows = gtFlowsKnown ?? (await gtFlows(dir, gt, cv));
  const gtE = { ewarp: warpingError(gt, flows), ewarpHole: warpingError(gt, flows, masks.map((m) => dilateMask(m, dilate))) };
  const ours = await completeAll(input, masks, dilate);
  const s = score(ours.out, gt, masks, ours.holes, flows);
  console.log(`  ${label}: ${gt.length} frames ${gt[0].width}x${gt[0].height}, mask ${fmt((100 * masks.reduce((a, m) => a + m.data.reduce((x, y) => x + y, 0), 0)) / (masks.length * gt[0].width * gt[0].height), 1)} %, ours ${fmt(ours.seconds / gt.length, 3)} s/frame`);
  console.log(`    ground truth E_warp whole ${gtE.ewarp.toExponential(3)}, hole ${gtE.ewarpHole.toExponential(3)}${cv ? ' (OpenCV DIS flows)' : ' (own flow: OpenCV unavailable, the engine grades itself)'}`);
  printScores('ours', s, gtE);
  const drift = windowDrift(ours.out, gt, ours.holes, ours.joins);
  if (ours.joins.length) {
    console.log(`    window joins at ${ours.joins.join(',')}: fill-colour step at each join ${drift.join.map((x) => x.toExponential(1)).join(' ')}; truth's step there ${drift.gtJoin.map((x) => x.toExponential(1)).join(' ')}; inside windows median ${drift.insideMedian.toExponential(1)}, max ${drift.insideMax.toExponential(1)}`);
  }
  if (cv) {
    const t = await telea(dir, input, ours.holes);
    const b = score(t.frames, gt, masks, ours.holes, flows);
    printScores('telea', b, gtE);
    console.log(`    ours − telea: PSNR in mask ${fmt(s.psnrMask - b.psnrMask)} dB, whole ${fmt(s.psnrWhole - b.psnrWhole)} dB; in-hole flicker ratio ours/telea ${fmt(s.ewarpHole / b.ewarpHole, 3)}`);
  }
  return s;
}

async function sceneSection(dir: string, cv: boolean): Promise<void> {
  const N = env('TEMPORAL_BENCH_SCENE_FRAMES', 24);
  const sd = join(dir, 'scene');
  const meta = await renderSampleScene({ dir: sd, width: 320, height: 180, frames: N });
  const decode = async (p: string) => { const o: FloatFrame[] = []; for await (const { frame } of readFrames(join(sd, p), { channels: 3 })) o.push(frame); return o; };
  const clip = await decode(meta.clip), clean = await decode(meta.clean);
  const masks: Mask[] = [];
  for (let t = 0; t < N; t++) masks.push(maskFromFrame({ ...decodeGrey(await readFile(join(sd, meta.mask, `${String(t).padStart(5, '0')}.png`))) }, 0));
  await evaluate('sample scene (moving object, moving camera; truth = clean plate)', dir, clean, clip, masks, cv);
}

function decodeGrey(bytes: Uint8Array): FloatFrame {
  const p = decodePng(bytes);
  const d = new Float32Array(p.width * p.height);
  const max = p.bitDepth === 16 ? 65535 : 255;
  for (let i = 0; i < d.length; i++) d[i] = (p.samples[i * p.channels] as number) / max;
  return { width: p.width, height: p.height, channels: 1, data: d };
}

async function bmxSection(dir: string, cv: boolean): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const seq = resolve(here, '..', '..', '..', 'shared', 'data', 'sequences', 'bmx-trees');
  if (!existsSync(seq)) { console.log('  bmx-trees: ../shared/data absent, skipped'); return; }
  const N = env('TEMPORAL_BENCH_BMX_FRAMES', 80);
  const frames: FloatFrame[] = [];
  for (let i = 0; i < N; i++) {
    const p = join(seq, 'frames', `${String(i).padStart(5, '0')}.jpg`);
    if (!existsSync(p)) break;
    frames.push(await readImage(p));
  }
  const { width: W, height: H } = frames[0];
  // fixed stationary ellipses of ~4 % of the frame, not tuned to the content
  const places: [number, number][] = [[0.25, 0.3], [0.75, 0.3], [0.3, 0.75], [0.55, 0.5]].slice(0, env('TEMPORAL_BENCH_PLACEMENTS', 3)) as [number, number][];
  const results: Scores[] = [];
  const flows = await gtFlows(dir, frames, cv); // the truth is the same footage for every placement
  for (const [px, py] of places) {
    const m = createMask(W, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (((x - px * W) / (0.13 * W)) ** 2 + ((y - py * H) / (0.1 * H)) ** 2 <= 1) m.data[y * W + x] = 1;
    const masks = frames.map(() => m);
    results.push(await evaluate(`bmx-trees, stationary mask at (${px}, ${py})`, join(dir), frames, frames.map((f) => blank(f, m)), masks, cv, 4, flows));
  }
  const mean = (k: keyof Scores) => results.reduce((a, r) => a + r[k], 0) / results.length;
  console.log(`  bmx-trees mean over ${results.length} placements: whole-frame PSNR ${fmt(mean('psnrWhole'))} dB (target ≥ 33), in mask ${fmt(mean('psnrMask'))} dB, SSIM whole ${fmt(mean('ssimWhole'), 4)}`);
}

/**
 * OpenCV DIS MEDIUM as a long-running process, so its runs can be interleaved with ours: each stdin
 * line "a.png b.png out.bin|- threads" (threads 0 = OpenCV's default) answers {"seconds", "cpu" (process CPU
 * time, all threads), "threads"}.
 */
const DIS_SERVER_PY = String.raw`
import sys, json, time
import numpy as np, cv2
dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
default_threads = cv2.getNumThreads()
imgs = {}
for line in sys.stdin:
    a, b, o, th = line.split()
    for p in (a, b):
        if p not in imgs: imgs[p] = cv2.imread(p, cv2.IMREAD_GRAYSCALE)
    cv2.setNumThreads(int(th) if int(th) > 0 else default_threads)
    c = time.process_time(); t = time.perf_counter(); f = dis.calc(imgs[a], imgs[b], None); dt = time.perf_counter() - t; dc = time.process_time() - c
    if o != '-': np.ascontiguousarray(f, dtype=np.float32).tofile(o)
    print(json.dumps({'seconds': dt, 'cpu': dc, 'threads': cv2.getNumThreads()}), flush=True)
`;

function disServer(dir: string): { calc(a: string, b: string, out: string, threads: number): Promise<{ seconds: number; cpu: number; threads: number }>; close(): void } {
  const script = join(dir, 'dis_server.py');
  writeFileSync(script, DIS_SERVER_PY);
  const child = spawn(PY, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((line: string) => void)[] = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) { const line = buf.slice(0, i); buf = buf.slice(i + 1); waiting.shift()?.(line); }
  });
  return {
    calc: (a, b, out, threads) => new Promise((ok) => { waiting.push((l) => ok(JSON.parse(l))); child.stdin.write(`${a} ${b} ${out} ${threads}\n`); }),
    close: () => child.stdin.end(),
  };
}

/**
 * Flow speed and accuracy against OpenCV DIS MEDIUM on 1080p sample-scene pairs. Ours with 1 thread
 * and with 2 (one pair split over two threads, bit-identical flow) and OpenCV with 1 thread and its
 * default are run interleaved pair by pair, TEMPORAL_BENCH_FLOW_REPS times; a line gives the best
 * repetition's mean time per pair and the spread over repetitions (the machine is shared, so only
 * the same-run ratios mean anything).
 */
async function flowSection(dir: string, cv: boolean): Promise<void> {
  const pairs = env('TEMPORAL_BENCH_HD_PAIRS', 2);
  const reps = env('TEMPORAL_BENCH_FLOW_REPS', 3);
  const sd = join(dir, 'hd');
  // enough frames that the sample sphere moves a plausible distance per frame
  const meta = await renderSampleScene({ dir: sd, width: 1920, height: 1080, frames: Math.max(pairs + 1, 12) });
  const frames: FloatFrame[] = [];
  for await (const { frame } of readFrames(join(sd, meta.clip), { channels: 3, out: pairs + 1 })) frames.push(frame);
  const motion = JSON.parse(await readFile(join(sd, meta.motion), 'utf8')).frames as { x: number; y: number }[];
  const objMasks: Mask[] = [];
  for (let t = 0; t <= pairs; t++) objMasks.push(dilateMask(maskFromFrame(decodeGrey(await readFile(join(sd, meta.mask, `${String(t).padStart(5, '0')}.png`))), 0), 8));
  // endpoint error on the background (true flow = camera motion) outside the object at t and t+1, borders excluded
  const epe = (f: FlowField, t: number) => {
    const gu = -(motion[t + 1].x - motion[t].x), gv = -(motion[t + 1].y - motion[t].y);
    let s = 0, n = 0;
    for (let y = 16; y < 1080 - 16; y += 2) for (let x = 16; x < 1920 - 16; x += 2) { const i = y * 1920 + x; if (objMasks[t].data[i] || objMasks[t + 1].data[i]) continue; s += Math.hypot(f.u[i] - gu, f.v[i] - gv); n++; }
    return s / n;
  };
  console.log(`  flow on ${pairs} sample-scene 1080p pairs (true background motion from the camera path), ${reps} interleaved repetitions`);
  // ours: grey conversion + 960 working size + flow + upsampling to 1080p, all inside the timing
  const ours = (t: number, dis: typeof DIS_MEDIUM, threads: number) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const A = flowInput(frames[t]), B = flowInput(frames[t + 1]);
    const t1 = performance.now();
    const f = flowBetween(A, B, { dis, threads });
    const core = (performance.now() - t1) / 1000;
    const full = resizeFlow(f, 1920, 1080);
    const seconds = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
    return { full, seconds, core, cpu: (c.user + c.system) / 1e6 };
  };
  // per: wall seconds per pair of each repetition; cpu: CPU seconds per pair (all threads of the process)
  interface Row { label: string; per: number[]; core: number[]; cpu: number[]; epe: number }
  const rows = new Map<string, Row>();
  const row = (key: string, label: string) => { let r = rows.get(key); if (!r) { r = { label, per: [], core: [], cpu: [], epe: 0 }; rows.set(key, r); } return r; };
  // the quality preset once (1 thread), for reference
  {
    const r = row('quality', 'ours quality (960 working, 1 thread)');
    let secs = 0, core = 0, cpu = 0, e = 0;
    for (let t = 0; t < pairs; t++) { const o = ours(t, DIS_QUALITY, 1); secs += o.seconds; core += o.core; cpu += o.cpu; e += epe(o.full, t); }
    r.per.push(secs / pairs); r.core.push(core / pairs); r.cpu.push(cpu / pairs); r.epe = e / pairs;
  }
  ours(0, DIS_MEDIUM, 2); // starts the helper thread (its start-up is not a per-pair cost)
  const server = cv ? disServer(dir) : null;
  const paths = cv ? await Promise.all(frames.map(async (f, t) => { const p = join(dir, `hd_${t}.png`); await writePng8(f, p); return p; })) : [];
  const oursKeys = [['m1', 'ours medium, 1 thread', 1], ['m2', 'ours medium, 2 threads', 2]] as const;
  const cvKeys = [['cv1', 'OpenCV DIS MEDIUM, 1 thread', 1], ['cv0', 'OpenCV DIS MEDIUM, default threads', 0]] as const;
  for (const [k, label] of [...oursKeys, ...cvKeys]) row(k, label);
  let identical = true;
  try {
    for (let rep = 0; rep < reps; rep++) {
      const acc = new Map<string, { s: number; c: number; cpu: number; e: number }>();
      const add = (k: string, s: number, c: number, cpu: number, e: number) => { const a = acc.get(k) ?? { s: 0, c: 0, cpu: 0, e: 0 }; a.s += s; a.c += c; a.cpu += cpu; a.e += e; acc.set(k, a); };
      for (let t = 0; t < pairs; t++) {
        // alternate which side goes first, so neither always runs on a warmer (or busier) machine
        const order = (rep + t) % 2 === 0 ? ['ours', 'cv'] : ['cv', 'ours'];
        let first: FlowField | null = null;
        for (const side of order) {
          if (side === 'ours') {
            for (const [k, , threads] of oursKeys) {
              const o = ours(t, DIS_MEDIUM, threads);
              if (first && (!o.full.u.every((x, i) => x === first!.u[i]) || !o.full.v.every((x, i) => x === first!.v[i]))) identical = false;
              first ??= o.full;
              add(k, o.seconds, o.core, o.cpu, rep === 0 ? epe(o.full, t) : 0);
            }
          } else if (server) {
            for (const [k, , threads] of cvKeys) {
              const out = rep === 0 ? join(dir, `hd_${t}_${k}.bin`) : '-';
              const r = await server.calc(paths[t], paths[t + 1], out, threads);
              if (k === 'cv0') row(k, '').label = `OpenCV DIS MEDIUM, default threads (${r.threads})`;
              add(k, r.seconds, r.seconds, r.cpu, rep === 0 ? epe(await readFlowBin(out, 1920, 1080), t) : 0);
            }
          }
        }
      }
      for (const [k, label] of [...oursKeys, ...cvKeys]) {
        const a = acc.get(k);
        if (!a) continue;
        const r = row(k, label);
        r.per.push(a.s / pairs); r.core.push(a.c / pairs); r.cpu.push(a.cpu / pairs);
        if (rep === 0) r.epe = a.e / pairs;
      }
    }
  } finally {
    server?.close();
  }
  const best = (k: string) => Math.min(...(rows.get(k)?.per ?? [NaN]));
  const ms = (x: number) => fmt(x * 1000, 0);
  for (const [k, r] of rows) {
    if (r.per.length === 0) continue;
    const lo = Math.min(...r.per), hi = Math.max(...r.per);
    const coreNote = k.startsWith('cv') ? '' : ` (flow at working size ${ms(Math.min(...r.core))} ms, the rest grey conversion, resizing, upsampling)`;
    console.log(`    ${r.label.padEnd(44)} best ${ms(lo)} ms/pair, spread ${ms(lo)}..${ms(hi)} over ${r.per.length}, CPU ${ms(Math.min(...r.cpu))} ms/pair${coreNote}, EPE ${fmt(r.epe, 3)} px`);
  }
  console.log(`    ours 1 thread and 2 threads give ${identical ? 'bit-identical' : 'DIFFERENT'} flows`);
  if (!cv) { console.log('    OpenCV DIS: unavailable, no baseline'); return; }
  const bestCpu = (k: string) => Math.min(...(rows.get(k)?.cpu ?? [NaN]));
  console.log(`    time ratio (best of each): ours-1-thread / OpenCV-1-thread ${fmt(best('m1') / best('cv1'), 2)}, ours-2-threads / OpenCV-default-threads ${fmt(best('m2') / best('cv0'), 2)} (target ≤ 2); CPU-time ratio 1 thread vs 1 thread ${fmt(bestCpu('m1') / bestCpu('cv1'), 2)} (less sensitive to a busy machine); EPE ours ${fmt(rows.get('m1')!.epe, 3)} vs OpenCV ${fmt(rows.get('cv1')!.epe, 3)} px (target ≤)`);
}

async function fpsSection(dir: string): Promise<void> {
  const N = env('TEMPORAL_BENCH_HD_FRAMES', 6);
  const sd = join(dir, 'hdfps');
  const meta = await renderSampleScene({ dir: sd, width: 1920, height: 1080, frames: N });
  const frames: FloatFrame[] = [];
  for await (const { frame } of readFrames(join(sd, meta.clip), { channels: 3 })) frames.push(frame);
  const m = createMask(1920, 1080);
  for (let y = 0; y < 1080; y++) for (let x = 0; x < 1920; x++) if (((x - 1200) / 340) ** 2 + ((y - 500) / 190) ** 2 <= 1) m.data[y * 1920 + x] = 1; // ~10 %
  const area = m.data.reduce((a, b) => a + b, 0) / (1920 * 1080);
  const t0 = performance.now();
  await completeVideo({ length: N, frame: (i) => frames[i], mask: () => m }, { ...completionOptions(), dilate: 4 }, () => {});
  const s = (performance.now() - t0) / 1000;
  console.log(`  completion at 1080p, ${fmt(area * 100, 1)} % stationary mask, ${N} frames: ${fmt(N / s, 3)} fps (${fmt(s / N, 2)} s/frame; flows in this thread)`);
  // as the bridge runs it: flows on a worker pool, the next window's computed while this one completes
  const pool = new FlowPool();
  try {
    const t1 = performance.now();
    await completeVideo({ length: N, frame: (i) => frames[i], mask: () => m }, { ...completionOptions(), dilate: 4, pool }, () => {});
    const sp = (performance.now() - t1) / 1000;
    console.log(`  the same with the bridge's flow pool (${pool.size} workers): ${fmt(N / sp, 3)} fps (${fmt(sp / N, 2)} s/frame, worker start-up included)`);
  } finally {
    await pool.close();
  }
}

async function memorySection(): Promise<void> {
  const lengths = (process.env.TEMPORAL_BENCH_MEM_FRAMES ?? '100,1000').split(',').map(Number);
  const url = new URL('../src/temporal/index.ts', import.meta.url).href;
  const code = `
    const T = await import(${JSON.stringify(url)});
    const N = Number(process.argv[1]); const W = 160, H = 90;
    const m = T.createMask(W, H); for (let y = 30; y < 60; y++) for (let x = 60; x < 100; x++) m.data[y * W + x] = 1;
    const frame = (t) => { const d = new Float32Array(W * H * 3); for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let k = 0; k < 3; k++) d[(y * W + x) * 3 + k] = 0.5 + 0.3 * Math.sin((x + 1.5 * t) * 0.2 + k) * Math.cos((y + 0.3 * t) * 0.17); return { width: W, height: H, channels: 3, data: d }; };
    const t0 = performance.now();
    const lives = [];
    await T.completeVideo({ length: N, frame, mask: () => m }, { dilate: 2 }, (i) => {
      // every frame: the peak comes at one phase of the window cycle, which sparser samples may miss
      globalThis.gc(); const u = process.memoryUsage(); lives.push(u.heapUsed + u.arrayBuffers);
    });
    lives.sort((a, b) => a - b);
    const live = lives[lives.length - 1], liveMedian = lives[lives.length >> 1];
    // this process's own peak: on Linux ru_maxrss survives exec, so a probe started by a big
    // process would report the parent's peak; VmHWM belongs to this process's memory alone
    const { readFileSync } = await import('node:fs');
    let hwm = null; try { hwm = Number(/VmHWM:[ \\t]+([0-9]+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
    console.log(JSON.stringify({ maxRssKiB: hwm ?? process.resourceUsage().maxRSS, liveMiB: live / 1048576, liveMedianMiB: liveMedian / 1048576, seconds: (performance.now() - t0) / 1000 }));`;
  const res: { n: number; rss: number; live: number; median: number; s: number }[] = [];
  for (const n of lengths) {
    const out = await new Promise<string>((ok, fail) => {
      const c = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      c.stdout.on('data', (d) => (s += d));
      c.on('exit', (code) => (code === 0 ? ok(s) : fail(new Error(`memory probe exited ${code}`))));
    });
    const j = JSON.parse(out.trim().split('\n').pop()!);
    res.push({ n, rss: j.maxRssKiB / 1024, live: j.liveMiB, median: j.liveMedianMiB, s: j.seconds });
    console.log(`  memory: ${n} frames at 160x90 → peak RSS ${fmt(j.maxRssKiB / 1024, 1)} MiB, live heap+buffers after GC: peak ${fmt(j.liveMiB, 1)} MiB, median ${fmt(j.liveMedianMiB, 1)} MiB (${fmt(j.seconds, 1)} s)`);
  }
  if (res.length >= 2) {
    const a = res[0], b = res[res.length - 1];
    // the live peak is one sample (buffers freed by a GC are sometimes counted a little later),
    // so it grows with the number of samples; the median shows whether anything accumulates
    console.log(`  memory ratio ${b.n} vs ${a.n} frames: peak RSS x${fmt(b.rss / a.rss, 3)} (target ≤ 1.2); live median x${fmt(b.median / a.median, 3)}, live peak x${fmt(b.live / a.live, 3)}`);
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ss-temporal-bench-'));
  try {
    console.log('temporal bench');
    const cv = skip.has('scene') && skip.has('bmx') && skip.has('flow') ? false : await haveOpenCv();
    console.log(`  OpenCV (python3-opencv): ${cv ? 'available' : 'not available'}`);
    if (!skip.has('scene')) await sceneSection(dir, cv);
    if (!skip.has('bmx')) await bmxSection(dir, cv);
    if (!skip.has('flow')) await flowSection(dir, cv);
    if (!skip.has('fps')) await fpsSection(dir);
    if (!skip.has('memory')) await memorySection();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
