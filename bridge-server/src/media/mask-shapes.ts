import type { FloatFrame, MaskShape } from '@synthetic-studio/shared';

const SUB = 4; // sub-scanlines / sub-samples per pixel for antialiasing

/** Exact area of the pixel [x,x+1]×[y,y+1] inside the rectangle. */
function rectCoverage(out: Float32Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number): void {
  const ys = Math.max(0, Math.floor(y0));
  const ye = Math.min(h, Math.ceil(y1));
  const xs = Math.max(0, Math.floor(x0));
  const xe = Math.min(w, Math.ceil(x1));
  for (let y = ys; y < ye; y++) {
    const cy = Math.min(y + 1, y1) - Math.max(y, y0);
    if (cy <= 0) continue;
    for (let x = xs; x < xe; x++) {
      const cx = Math.min(x + 1, x1) - Math.max(x, x0);
      if (cx > 0) out[y * w + x] = cx * cy;
    }
  }
}

function ellipseCoverage(out: Float32Array, w: number, h: number, cx: number, cy: number, rx: number, ry: number): void {
  if (rx <= 0 || ry <= 0) return;
  const ys = Math.max(0, Math.floor(cy - ry));
  const ye = Math.min(h, Math.ceil(cy + ry));
  const xs = Math.max(0, Math.floor(cx - rx));
  const xe = Math.min(w, Math.ceil(cx + rx));
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      let n = 0;
      for (let sy = 0; sy < SUB; sy++) {
        const dy = (y + (sy + 0.5) / SUB - cy) / ry;
        for (let sx = 0; sx < SUB; sx++) {
          const dx = (x + (sx + 0.5) / SUB - cx) / rx;
          if (dx * dx + dy * dy <= 1) n++;
        }
      }
      if (n) out[y * w + x] = n / (SUB * SUB);
    }
  }
}

/** Even-odd polygon fill: SUB sub-scanlines per row, exact horizontal span coverage. */
function polygonCoverage(out: Float32Array, w: number, h: number, pts: [number, number][]): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of pts) {
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  const ys = Math.max(0, Math.floor(minY));
  const ye = Math.min(h, Math.ceil(maxY));
  const row = new Float32Array(w + 1);
  const xsList: number[] = [];
  for (let y = ys; y < ye; y++) {
    row.fill(0);
    for (let s = 0; s < SUB; s++) {
      const sy = y + (s + 0.5) / SUB;
      xsList.length = 0;
      for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
        const [xi, yi] = pts[i];
        const [xj, yj] = pts[j];
        if (yi > sy !== yj > sy) xsList.push(xi + ((sy - yi) / (yj - yi)) * (xj - xi));
      }
      xsList.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xsList.length; k += 2) {
        const a = Math.max(0, xsList[k]);
        const b = Math.min(w, xsList[k + 1]);
        if (b <= a) continue;
        const ia = Math.floor(a);
        const ib = Math.floor(b);
        if (ia === ib) {
          row[ia] += (b - a) / SUB;
          continue;
        }
        row[ia] += (ia + 1 - a) / SUB;
        for (let x = ia + 1; x < ib; x++) row[x] += 1 / SUB;
        if (ib < w) row[ib] += (b - ib) / SUB;
      }
    }
    for (let x = 0; x < w; x++) if (row[x] > 0) out[y * w + x] = Math.min(1, row[x]);
  }
}

/** Polyline swept by a disc: coverage from the distance to the nearest segment (1-pixel ramp). */
function strokeCoverage(out: Float32Array, w: number, h: number, pts: [number, number][], r: number): void {
  const segs = pts.length === 1 ? [[pts[0], pts[0]]] : pts.slice(1).map((p, i) => [pts[i], p]);
  for (const [[ax, ay], [bx, by]] of segs) {
    const xs = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
    const xe = Math.min(w, Math.ceil(Math.max(ax, bx) + r + 1));
    const ys = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
    const ye = Math.min(h, Math.ceil(Math.max(ay, by) + r + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = ys; y < ye; y++) {
      for (let x = xs; x < xe; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
        const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
        const c = Math.max(0, Math.min(1, r - d + 0.5));
        const i = y * w + x;
        if (c > out[i]) out[i] = c;
      }
    }
  }
}

/**
 * Rasterise protocol shapes (normalised coordinates: x by width, y by height; stroke radius by
 * width) into an antialiased single-channel mask. Shapes apply in order; `erase` removes.
 */
export function rasterizeShapes(shapes: readonly MaskShape[], width: number, height: number): FloatFrame {
  const result = new Float32Array(width * height);
  const cov = new Float32Array(width * height);
  for (const s of shapes) {
    cov.fill(0);
    switch (s.shape) {
      case 'rect':
        rectCoverage(cov, width, height, s.x * width, s.y * height, (s.x + s.w) * width, (s.y + s.h) * height);
        break;
      case 'ellipse':
        ellipseCoverage(cov, width, height, s.cx * width, s.cy * height, s.rx * width, s.ry * height);
        break;
      case 'polygon':
        polygonCoverage(cov, width, height, s.points.map(([x, y]) => [x * width, y * height]));
        break;
      case 'stroke':
        strokeCoverage(cov, width, height, s.points.map(([x, y]) => [x * width, y * height]), s.radius * width);
        break;
    }
    if (s.erase) for (let i = 0; i < cov.length; i++) result[i] *= 1 - cov[i];
    else for (let i = 0; i < cov.length; i++) result[i] = result[i] + cov[i] - result[i] * cov[i];
  }
  return { width, height, channels: 1, data: result };
}
