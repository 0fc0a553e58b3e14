import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatFrame } from '@synthetic-studio/shared';
import {
  carryRatio, KeyframeRatioChain, propagateKeyRatios, RatioStabilizer, temporalEnginePort, type CarriedRatio, type FlowField, type RatioMap, type TemporalPort,
} from '../../src/relight/index.js';

const W = 64, H = 40;
const DX = 2, DY = 1; // content moves by (+2, +1) px per frame

/** A smooth ratio pattern (world coordinates), sampled for frame t whose content moved by t·(DX, DY). */
function ratioAt(t: number): RatioMap {
  const d = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const wx = x - t * DX, wy = y - t * DY;
    const o = (y * W + x) * 3;
    d[o] = 1 + 0.5 * Math.sin(wx / 7) * Math.cos(wy / 5);
    d[o + 1] = 0.8 + 0.3 * Math.cos(wx / 9);
    d[o + 2] = 1.2 + 0.4 * Math.sin(wy / 6);
  }
  return { width: W, height: H, data: d };
}

function constantFlow(u: number, v: number): FlowField {
  return { width: W, height: H, u: new Float32Array(W * H).fill(u), v: new Float32Array(W * H).fill(v) };
}

/** The real warp and consistency check with an analytically known flow (frames translate by (DX, DY)). */
function knownFlowPort(): TemporalPort & { flowCalls: number } {
  const real = temporalEnginePort();
  const port = {
    flowCalls: 0,
    // flowPair(a=t, b=t−1): pixel p of t was at p − (DX, DY) in t−1 (and vice versa).
    flowPair: (a: FloatFrame, b: FloatFrame) => {
      port.flowCalls++;
      const sign = (a.data[0] ?? 0) >= (b.data[0] ?? 0) ? 1 : -1; // frames carry their index in data[0]
      return { fwd: constantFlow(-DX * sign, -DY * sign), bwd: constantFlow(DX * sign, DY * sign) };
    },
    warp: real.warp,
    consistency: real.consistency,
  };
  return port;
}

function guide(t: number): FloatFrame {
  const d = new Float32Array(W * H * 3);
  d[0] = t;
  return { width: W, height: H, channels: 3, data: d };
}

test('a ratio map carried along a known flow lands where the content moved', () => {
  const port = knownFlowPort();
  let carried: CarriedRatio = { ratio: ratioAt(0), valid: new Uint8Array(W * H).fill(1) };
  for (let t = 1; t <= 4; t++) {
    carried = carryRatio(port, carried.ratio, constantFlow(-DX, -DY), undefined, carried.valid);
  }
  const truth = ratioAt(4);
  let maxErr = 0, validCount = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    const inside = x >= 4 * DX && y >= 4 * DY;
    assert.equal(carried.valid[i], inside ? 1 : 0, `validity at ${x},${y}`);
    if (!inside) continue;
    validCount++;
    for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(carried.ratio.data[i * 3 + c] - truth.data[i * 3 + c]));
  }
  assert.ok(validCount > 0.7 * W * H);
  assert.ok(maxErr < 1e-5, `integer translation is exact: max error ${maxErr}`);
});

test('keyframe ratios propagate both ways through a gap and meet the truth in between', () => {
  const port = knownFlowPort();
  const guides = [0, 1, 2, 3, 4, 5, 6].map(guide);
  const maps = propagateKeyRatios(port, guides, ratioAt(0), ratioAt(6));
  assert.equal(maps.length, 7);
  assert.equal(port.flowCalls, 6, 'one flow pair per consecutive frame pair');
  for (let t = 0; t <= 6; t++) {
    const truth = ratioAt(t);
    let maxErr = 0, worst = '';
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      // Pixels reachable from at least one keyframe (not entering from both borders).
      const i = y * W + x;
      const fromA = x >= t * DX && y >= t * DY, fromB = x + (6 - t) * DX < W && y + (6 - t) * DY < H;
      if (!fromA && !fromB) continue;
      for (let c = 0; c < 3; c++) {
        const e = Math.abs(maps[t].data[i * 3 + c] - truth.data[i * 3 + c]);
        if (e > maxErr) { maxErr = e; worst = `${x},${y},${c}`; }
      }
    }
    if (t === 0 || t === 6) assert.ok(maxErr < 1e-6, `keyframe ${t} unchanged`);
    else assert.ok(maxErr < 1e-4, `frame ${t}: max error ${maxErr} at ${worst}`);
  }
});

test('the stabiliser removes per-frame ratio noise along the flow and keeps the moving pattern', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const stab = new RatioStabilizer(knownFlowPort(), { memory: 0.7, tau: 0.3 });
  let rawErr = 0, stabErr = 0, n = 0;
  for (let t = 0; t < 12; t++) {
    const truth = ratioAt(t);
    const noisy = { width: W, height: H, data: truth.data.map((v) => v * Math.exp(0.08 * rnd())) };
    const out = stab.push(guide(t), noisy);
    if (t < 4) continue; // history builds up
    for (let y = 6 * DY + 8; y < H; y++) for (let x = 6 * DX + 8; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        rawErr += (Math.log(noisy.data[i]) - Math.log(truth.data[i])) ** 2;
        stabErr += (Math.log(out.data[i]) - Math.log(truth.data[i])) ** 2;
        n++;
      }
    }
  }
  const rawRms = Math.sqrt(rawErr / n), stabRms = Math.sqrt(stabErr / n);
  assert.ok(stabRms < 0.7 * rawRms, `noise rms ${rawRms.toFixed(4)} → ${stabRms.toFixed(4)}`);
});

test('keyframe chain: gaps in order, one flow per frame pair shared by propagation and stabiliser, exact on a translation', () => {
  const port = knownFlowPort();
  const chain = new KeyframeRatioChain(port);
  const keys = [0, 4, 8];
  const out: RatioMap[] = [];
  for (let g = 0; g < keys.length - 1; g++) {
    const guides = Array.from({ length: keys[g + 1] - keys[g] + 1 }, (_, k) => guide(keys[g] + k));
    out.push(...chain.gap(guides, ratioAt(keys[g]), ratioAt(keys[g + 1]), g === keys.length - 2));
  }
  assert.equal(out.length, 9, 'frames 0..8, each once');
  // 4 pairs per gap from propagation; the stabiliser reuses them and adds only the pair that
  // crosses into the second gap (its first guide is a new frame object).
  assert.equal(port.flowCalls, 9);
  for (let t = 0; t <= 8; t++) {
    const truth = ratioAt(t);
    let maxErr = 0;
    for (let y = 8 * DY; y < H; y++) for (let x = 8 * DX; x < W; x++) for (let c = 0; c < 3; c++) {
      maxErr = Math.max(maxErr, Math.abs(out[t].data[(y * W + x) * 3 + c] - truth.data[(y * W + x) * 3 + c]));
    }
    assert.ok(maxErr < 1e-4, `frame ${t}: ${maxErr}`);
  }
});
