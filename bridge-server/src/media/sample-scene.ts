import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { timecodeRate, type Rational } from '@synthetic-studio/shared';
import { createStreamEncoder } from './encode-stream.js';
import { encodePng } from './png-codec.js';
import type { SampleLight, SampleMeta, SampleSceneOptions } from './sample-types.js';

/**
 * A deterministic test scene with its ground truth, rendered in linear light and encoded with the
 * BT.709 transfer and matrix:
 * - background: procedural albedo × Lambert shading of a known height field under light A, seen
 *   through a camera that pans by whole pixels (frame t shows world pixels from (x_t, y_t));
 * - foreground: a shaded sphere crossing the frame (antialiased);
 * - truth: clean plate (no sphere), the sphere's mask per frame, camera motion per frame, and the
 *   same scene under light B (`relit`), plus the albedo and height images of the whole pan area.
 */

export const SAMPLE_LIGHT_A: SampleLight = { azimuthDeg: -135, elevationDeg: 40, color: [1.0, 0.93, 0.82], intensity: 0.95, ambient: 0.12 };
export const SAMPLE_LIGHT_B: SampleLight = { azimuthDeg: 20, elevationDeg: 25, color: [0.62, 0.76, 1.0], intensity: 1.1, ambient: 0.08 };
const HEIGHT_SCALE = 6; // height field 0..1 → 0..6 pixels of relief
const SPHERE_ALBEDO: [number, number, number] = [0.78, 0.22, 0.16];

/** Camera offset of frame t in world pixels (whole pixels, so the truth needs no resampling). */
export function sampleCameraOffset(t: number): { x: number; y: number } {
  return { x: t, y: Math.floor(t / 3) };
}

function lightVector(l: SampleLight): [number, number, number] {
  const az = (l.azimuthDeg * Math.PI) / 180;
  const el = (l.elevationDeg * Math.PI) / 180;
  // azimuth 0 = from the right (+x), 90 = from below (+y, image rows grow downwards); z toward the viewer
  return [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
}

/** Deterministic smooth value noise (hash lattice + smoothstep), in [0, 1]. */
function makeNoise(seed: number): (x: number, y: number) => number {
  const hash = (i: number, j: number): number => {
    let h = (i * 374761393 + j * 668265263 + seed * 2246822519) | 0;
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  };
  return (x, y) => {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    const fx = x - xi;
    const fy = y - yi;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const a = hash(xi, yi);
    const b = hash(xi + 1, yi);
    const c = hash(xi, yi + 1);
    const d = hash(xi + 1, yi + 1);
    return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
  };
}

interface World {
  w: number;
  h: number;
  albedo: Float32Array; // linear RGB
  height: Float32Array; // 0..1
  normal: Float32Array; // xyz
}

function buildWorld(w: number, h: number, scale: number, seed: number): World {
  const n1 = makeNoise(seed);
  const n2 = makeNoise(seed + 17);
  const n3 = makeNoise(seed + 101);
  const albedo = new Float32Array(w * h * 3);
  const height = new Float32Array(w * h);
  const cell = 24 * scale;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const u = x / cell;
      const v = y / cell;
      const t = 0.55 * n1(u, v) + 0.3 * n1(u * 2.7, v * 2.7) + 0.15 * n1(u * 7.1, v * 7.1);
      const tint = n2(u * 0.6, v * 0.6);
      // tiles with thin grout lines give flow something to lock on to
      const gx = Math.abs(((x / (cell * 1.5)) % 1) - 0.5);
      const gy = Math.abs(((y / (cell * 1.5)) % 1) - 0.5);
      const grout = Math.max(gx, gy) > 0.47 ? 0.55 : 1;
      albedo[i * 3] = (0.25 + 0.5 * t * (0.7 + 0.6 * tint)) * grout;
      albedo[i * 3 + 1] = (0.22 + 0.45 * t) * grout;
      albedo[i * 3 + 2] = (0.18 + 0.4 * t * (1.3 - 0.6 * tint)) * grout;
      height[i] = Math.min(1, Math.max(0, 0.65 * n3(x / (cell * 1.3), y / (cell * 1.3)) + 0.35 * n3(x / (cell * 0.45) + 9.5, y / (cell * 0.45))));
    }
  }
  const normal = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const hx = (height[y * w + Math.min(w - 1, x + 1)] - height[y * w + Math.max(0, x - 1)]) * 0.5 * HEIGHT_SCALE;
      const hy = (height[Math.min(h - 1, y + 1) * w + x] - height[Math.max(0, y - 1) * w + x]) * 0.5 * HEIGHT_SCALE;
      const len = Math.hypot(hx, hy, 1);
      const i = (y * w + x) * 3;
      normal[i] = -hx / len;
      normal[i + 1] = -hy / len;
      normal[i + 2] = 1 / len;
    }
  }
  return { w, h, albedo, height, normal };
}

function shade(albedo: number, n: [number, number, number] | Float32Array, ni: number, L: [number, number, number], light: SampleLight, c: number): number {
  const ndl = Math.max(0, n[ni] * L[0] + n[ni + 1] * L[1] + n[ni + 2] * L[2]);
  return albedo * (light.ambient + light.intensity * light.color[c] * ndl);
}

function litWorld(world: World, light: SampleLight): Float32Array {
  const L = lightVector(light);
  const out = new Float32Array(world.w * world.h * 3);
  for (let i = 0; i < world.w * world.h; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = shade(world.albedo[i * 3 + c], world.normal, i * 3, L, light, c);
  }
  return out;
}

/** BT.709 OETF to 16-bit code values. */
function encode709(l: number): number {
  const v = l <= 0 ? 0 : l >= 1 ? 1 : l < 0.018 ? l * 4.5 : 1.099 * Math.pow(l, 0.45) - 0.099;
  return Math.round(v * 65535);
}

/** Sphere centre (pixels) and radius of frame t. */
function spherePose(t: number, frames: number, width: number, height: number): { cx: number; cy: number; r: number } {
  const p = frames > 1 ? t / (frames - 1) : 0;
  return { cx: width * (0.2 + 0.6 * p), cy: height * (0.52 + 0.12 * Math.sin(2 * Math.PI * p)), r: Math.max(3, height * 0.14) };
}

export async function renderSampleScene(opts: SampleSceneOptions): Promise<SampleMeta> {
  const width = opts.width ?? 320;
  const height = opts.height ?? 180;
  const frames = opts.frames ?? 24;
  const fps: Rational = opts.fps ?? { num: 24, den: 1 };
  const codec = opts.codec ?? 'prores';
  const bitDepth = opts.bitDepth ?? 10;
  const seed = opts.seed ?? 7;
  const rate = timecodeRate(fps, fps.den === 1001 && (Math.round(fps.num / fps.den) === 30 || Math.round(fps.num / fps.den) === 60));
  const startTimecode = opts.startTimecode ?? (rate.dropFrame ? '01:00:00;00' : '01:00:00:00');
  const dir = opts.dir;
  await mkdir(join(dir, 'mask'), { recursive: true });

  const last = sampleCameraOffset(Math.max(0, frames - 1));
  const world = buildWorld(width + last.x + 1, height + last.y + 1, Math.max(width, height) / 320, seed);
  const litA = litWorld(world, SAMPLE_LIGHT_A);
  const litB = litWorld(world, SAMPLE_LIGHT_B);
  const LA = lightVector(SAMPLE_LIGHT_A);
  const LB = lightVector(SAMPLE_LIGHT_B);

  const ext = codec === 'h264' ? '.mp4' : codec === 'png16' ? '' : '.mov';
  const names = { clip: `clip${ext}`, clean: `clean${ext}`, relit: `relit${ext}` };
  const color = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', range: 'tv' as const };
  const encoders = Object.fromEntries(
    (['clip', 'clean', 'relit'] as const).map((k) => {
      let output = join(dir, names[k]);
      if (codec === 'png16') output = join(dir, names[k], `${k}.%05d.png`);
      return [k, { output, enc: null as ReturnType<typeof createStreamEncoder> | null }];
    }),
  ) as Record<'clip' | 'clean' | 'relit', { output: string; enc: ReturnType<typeof createStreamEncoder> | null }>;
  for (const k of ['clip', 'clean', 'relit'] as const) {
    if (codec === 'png16') await mkdir(join(dir, names[k]), { recursive: true });
    encoders[k].enc = createStreamEncoder({
      width, height, fps, format: codec === 'png16' ? 'png16' : codec, output: encoders[k].output, color, timecode: startTimecode, bitDepth,
    });
  }

  const motion: { frame: number; x: number; y: number }[] = [];
  const SS = 4; // supersampling for the sphere edge
  try {
    for (let t = 0; t < frames; t++) {
      const off = sampleCameraOffset(t);
      motion.push({ frame: t, ...off });
      const { cx, cy, r } = spherePose(t, frames, width, height);
      const clip = new Uint16Array(width * height * 3);
      const clean = new Uint16Array(width * height * 3);
      const relit = new Uint16Array(width * height * 3);
      const mask = new Uint8Array(width * height);
      const n: [number, number, number] = [0, 0, 1];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const p = y * width + x;
          const wi = ((y + off.y) * world.w + (x + off.x)) * 3;
          // sphere coverage and mean shading over SS×SS sub-samples
          let cov = 0;
          const sA = [0, 0, 0];
          const sB = [0, 0, 0];
          if (Math.abs(x + 0.5 - cx) < r + 1 && Math.abs(y + 0.5 - cy) < r + 1) {
            for (let sy = 0; sy < SS; sy++) {
              for (let sx = 0; sx < SS; sx++) {
                const dx = (x + (sx + 0.5) / SS - cx) / r;
                const dy = (y + (sy + 0.5) / SS - cy) / r;
                const d2 = dx * dx + dy * dy;
                if (d2 >= 1) continue;
                cov++;
                n[0] = dx;
                n[1] = dy;
                n[2] = Math.sqrt(1 - d2);
                for (let c = 0; c < 3; c++) {
                  sA[c] += shade(SPHERE_ALBEDO[c], n, 0, LA, SAMPLE_LIGHT_A, c);
                  sB[c] += shade(SPHERE_ALBEDO[c], n, 0, LB, SAMPLE_LIGHT_B, c);
                }
              }
            }
          }
          const a = cov / (SS * SS);
          mask[p] = cov > 0 ? 255 : 0;
          for (let c = 0; c < 3; c++) {
            const bgA = litA[wi + c];
            const bgB = litB[wi + c];
            clean[p * 3 + c] = encode709(bgA);
            clip[p * 3 + c] = encode709(bgA * (1 - a) + (cov ? sA[c] / cov : 0) * a);
            relit[p * 3 + c] = encode709(bgB * (1 - a) + (cov ? sB[c] / cov : 0) * a);
          }
        }
      }
      await writeFile(join(dir, 'mask', `${String(t).padStart(5, '0')}.png`), encodePng(mask, width, height, 1, 8));
      await encoders.clip.enc!.write(clip);
      await encoders.clean.enc!.write(clean);
      await encoders.relit.enc!.write(relit);
    }
    for (const k of ['clip', 'clean', 'relit'] as const) await encoders[k].enc!.close();
  } catch (e) {
    for (const k of ['clip', 'clean', 'relit'] as const) encoders[k].enc?.kill();
    throw e;
  }

  // albedo (linear, 16-bit RGB) and height field (16-bit grey) of the whole pan area
  const alb16 = new Uint16Array(world.w * world.h * 3);
  for (let i = 0; i < alb16.length; i++) alb16[i] = Math.round(Math.min(1, Math.max(0, world.albedo[i])) * 65535);
  const h16 = new Uint16Array(world.w * world.h);
  for (let i = 0; i < h16.length; i++) h16[i] = Math.round(world.height[i] * 65535);
  await writeFile(join(dir, 'albedo.png'), encodePng(alb16, world.w, world.h, 3, 16));
  await writeFile(join(dir, 'height.png'), encodePng(h16, world.w, world.h, 1, 16));
  await writeFile(join(dir, 'motion.json'), JSON.stringify({ convention: 'frame t shows world pixel (x + x_t, y + y_t) at (x, y); content moves by (-dx, -dy) between frames', frames: motion }, null, 1));

  const meta: SampleMeta = {
    clip: names.clip,
    clean: names.clean,
    mask: 'mask',
    relit: names.relit,
    frames,
    fps,
    width,
    height,
    bitDepth: codec === 'prores' ? 10 : codec === 'png16' ? 16 : bitDepth > 8 ? 10 : 8,
    codec,
    startTimecode,
    motion: 'motion.json',
    lights: { a: SAMPLE_LIGHT_A, b: SAMPLE_LIGHT_B },
    albedo: 'albedo.png',
    heightField: 'height.png',
    heightScale: HEIGHT_SCALE,
    transfer: 'bt709',
    object: { shape: 'sphere', radiusPx: spherePose(0, frames, width, height).r, albedo: SPHERE_ALBEDO },
  };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}
