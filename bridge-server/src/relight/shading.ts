import { lightDirection, type LightRig } from './light-rig.js';
import type { NormalMap } from './normals.js';

/**
 * Lambert with wrap lighting for softness: a light of softness s contributes
 * max(0, (n·l + s) / (1 + s)), so s = 0 is the hard cosine law and s = 1 lets a large soft source
 * reach half-way round the back. Returns interleaved linear RGB shading (what a white albedo
 * would reflect): ambient + Σ intensity · colour · wrap(n·l).
 */
export function shadeRig(normals: NormalMap, rig: LightRig, out?: Float32Array): Float32Array {
  const n = normals.width * normals.height;
  const dst = out ?? new Float32Array(n * 3);
  const [ar, ag, ab] = rig.ambient;
  for (let i = 0; i < n; i++) {
    dst[i * 3] = ar;
    dst[i * 3 + 1] = ag;
    dst[i * 3 + 2] = ab;
  }
  const nd = normals.data;
  for (const light of rig.lights) {
    if (light.intensity <= 0) continue;
    const [lx, ly, lz] = lightDirection(light.azimuth, light.elevation);
    const s = Math.max(0, Math.min(1, light.softness));
    const inv = 1 / (1 + s);
    const cr = light.color[0] * light.intensity;
    const cg = light.color[1] * light.intensity;
    const cb = light.color[2] * light.intensity;
    for (let i = 0; i < n; i++) {
      const d = nd[i * 3] * lx + nd[i * 3 + 1] * ly + nd[i * 3 + 2] * lz;
      const w = (d + s) * inv;
      if (w <= 0) continue;
      dst[i * 3] += cr * w;
      dst[i * 3 + 1] += cg * w;
      dst[i * 3 + 2] += cb * w;
    }
  }
  return dst;
}
