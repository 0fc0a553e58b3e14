import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ambientFrom, heightFromLuminance, lightDirection, makeLight, normalsFromHeight, shadeRig, type LightRig,
} from '../../src/relight/index.js';

test('normals of an analytic height field match the analytic gradient', () => {
  const W = 96, H = 64, A = 6, P = 40, Q = 30;
  const h = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) h[y * W + x] = A * Math.sin((2 * Math.PI * x) / P) * Math.cos((2 * Math.PI * y) / Q);
  const n = normalsFromHeight(h, W, H);
  let maxAngle = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const hx = ((A * 2 * Math.PI) / P) * Math.cos((2 * Math.PI * x) / P) * Math.cos((2 * Math.PI * y) / Q);
      const hy = -((A * 2 * Math.PI) / Q) * Math.sin((2 * Math.PI * x) / P) * Math.sin((2 * Math.PI * y) / Q);
      // Image rows go down: camera-space normal = (−h_x, +h_y(image), 1)/|…|.
      const len = Math.hypot(hx, hy, 1);
      const e = [-hx / len, hy / len, 1 / len];
      const o = (y * W + x) * 3;
      const dot = e[0] * n.data[o] + e[1] * n.data[o + 1] + e[2] * n.data[o + 2];
      maxAngle = Math.max(maxAngle, Math.acos(Math.min(1, dot)));
    }
  }
  assert.ok(maxAngle < (1.5 * Math.PI) / 180, `max angular error ${((maxAngle * 180) / Math.PI).toFixed(3)}°`);
  // A tilted plane is exact everywhere, borders included.
  const plane = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) plane[y * W + x] = 0.5 * x - 0.25 * y;
  const pn = normalsFromHeight(plane, W, H);
  const len = Math.hypot(0.5, 0.25, 1);
  for (let i = 0; i < W * H; i++) {
    assert.ok(Math.abs(pn.data[i * 3] + 0.5 / len) < 1e-6 && Math.abs(pn.data[i * 3 + 1] + 0.25 / len) < 1e-6 && Math.abs(pn.data[i * 3 + 2] - 1 / len) < 1e-6);
  }
});

function sphere(W: number, H: number, R: number): Float32Array {
  const h = new Float32Array(W * H);
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const r2 = (x - cx) ** 2 + (y - cy) ** 2;
    h[y * W + x] = r2 < R * R ? Math.sqrt(R * R - r2) : 0;
  }
  return h;
}

test('shading a sphere matches the analytic Lambert / wrap answer for several coloured lights', () => {
  const W = 120, H = 120, R = 50;
  const normals = normalsFromHeight(sphere(W, H, R), W, H);
  const rig: LightRig = {
    lights: [
      makeLight({ name: 'key', azimuth: -50, elevation: 30, kelvin: 3200, intensity: 1.2, softness: 0 }),
      makeLight({ name: 'rim', azimuth: 150, elevation: 20, rgb: [0.4, 0.6, 1], intensity: 0.8, softness: 0.5 }),
    ],
    ambient: ambientFrom(0.1),
  };
  const s = shadeRig(normals, rig);
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  let maxErr = 0, count = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const dx = x - cx, dy = y - cy;
    if (dx * dx + dy * dy > (0.85 * R) ** 2) continue; // finite differences fail at the limb
    const z = Math.sqrt(R * R - dx * dx - dy * dy);
    const nrm = [dx / R, -dy / R, z / R];
    const expect = [...rig.ambient];
    for (const l of rig.lights) {
      const L = lightDirection(l.azimuth, l.elevation);
      const d = nrm[0] * L[0] + nrm[1] * L[1] + nrm[2] * L[2];
      const w = Math.max(0, (d + l.softness) / (1 + l.softness));
      for (let c = 0; c < 3; c++) expect[c] += l.intensity * l.color[c] * w;
    }
    for (let c = 0; c < 3; c++) maxErr = Math.max(maxErr, Math.abs(s[(y * W + x) * 3 + c] - expect[c]));
    count++;
  }
  assert.ok(count > 5000);
  assert.ok(maxErr < 0.03, `max shading error ${maxErr.toFixed(4)}`);
  // The lit side is the key's side: left half brighter than right half in red.
  const at = (x: number, y: number, c: number) => s[(y * W + x) * 3 + c];
  assert.ok(at(35, 50, 0) > at(85, 50, 0) + 0.3);
  // Hard key: the terminator really is dark (ambient + rim only) on the far side.
  assert.ok(at(Math.round(cx + 0.8 * R), Math.round(cy), 0) < 0.6);
});

test('the luminance relief is edge-aware: a bright disc becomes a bump whose normals face outwards', () => {
  const W = 128, H = 96, R = 24;
  const lum = new Float32Array(W * H).fill(0.1);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 64) ** 2 + (y - 48) ** 2 < R * R) lum[y * W + x] = 0.6;
  const h = heightFromLuminance(lum, W, H);
  assert.ok(h[48 * W + 64] > h[48 * W + 10] + 5, 'disc is raised');
  const n = normalsFromHeight(h, W, H);
  const nx = (x: number, y: number) => n.data[(y * W + x) * 3];
  const ny = (x: number, y: number) => n.data[(y * W + x) * 3 + 1];
  assert.ok(nx(64 - R + 1, 48) < -0.3, `left rim faces left: ${nx(64 - R + 1, 48)}`);
  assert.ok(nx(64 + R - 2, 48) > 0.3, `right rim faces right: ${nx(64 + R - 2, 48)}`);
  assert.ok(ny(64, 48 - R + 1) > 0.3, 'top rim faces up');
  // Edge-aware: most of the height step sits at the disc's edge, not smeared far outside it.
  const inside = h[48 * W + 64 - R + 2], outside = h[48 * W + 64 - R - 3], far = h[48 * W + 4];
  assert.ok(inside - outside > 0.5 * (inside - far), `step at the edge: inside ${inside.toFixed(2)} outside ${outside.toFixed(2)} far ${far.toFixed(2)}`);
});
