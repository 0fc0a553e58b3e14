import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { completeVideo, type CompletionOptions, type CompletionSummary } from './complete.js';
import { createMask, type Mask } from './types.js';

/** Where the source sits on the larger canvas. */
export interface CanvasPlacement { width: number; height: number; x: number; y: number }

export type Anchor = 'center' | 'left' | 'right' | 'top' | 'bottom' | 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

function place(w: number, h: number, W: number, H: number, anchor: Anchor): CanvasPlacement {
  const fx = anchor.includes('left') ? 0 : anchor.includes('right') ? 1 : 0.5;
  const fy = anchor.includes('top') ? 0 : anchor.includes('bottom') ? 1 : 0.5;
  return { width: W, height: H, x: Math.round((W - w) * fx), y: Math.round((H - h) * fy) };
}

/** Canvas of at least the source size with the given size; the source is never cropped. */
export function canvasForSize(w: number, h: number, W: number, H: number, anchor: Anchor = 'center'): CanvasPlacement {
  if (W < w || H < h) throw new StudioError('E_VALIDATION', `The new size ${W}x${H} is smaller than the source ${w}x${h}; extension only adds picture.`);
  return place(w, h, W, H, anchor);
}

/**
 * Smallest canvas with aspect ratio `aspect` (width / height) containing the source: one side
 * grows. Sizes are rounded up to even numbers (what most codecs need).
 */
export function canvasForAspect(w: number, h: number, aspect: number, anchor: Anchor = 'center'): CanvasPlacement {
  if (!(aspect > 0) || !Number.isFinite(aspect)) throw new StudioError('E_VALIDATION', 'The aspect ratio must be a positive number.');
  let W = w, H = h;
  if (w / h < aspect) W = Math.ceil(h * aspect); else H = Math.ceil(w / aspect);
  W += W % 2; H += H % 2;
  if (W === w && H === h) throw new StudioError('E_VALIDATION', `The source already has aspect ${aspect.toFixed(3)}; nothing to extend.`);
  return place(w, h, W, H, anchor);
}

/** The source frame on the canvas (new area filled by edge replication) and the new-area mask. */
export function toCanvas(f: FloatFrame, p: CanvasPlacement): { frame: FloatFrame; hole: Mask } {
  const c = f.channels;
  const out = new Float32Array(p.width * p.height * c);
  const hole = createMask(p.width, p.height);
  for (let y = 0; y < p.height; y++) {
    const sy = Math.min(f.height - 1, Math.max(0, y - p.y));
    for (let x = 0; x < p.width; x++) {
      const sx = Math.min(f.width - 1, Math.max(0, x - p.x));
      const inside = x - p.x === sx && y - p.y === sy;
      if (!inside) hole.data[y * p.width + x] = 1;
      const o = (y * p.width + x) * c, s = (sy * f.width + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = f.data[s + k];
    }
  }
  return { frame: { width: p.width, height: p.height, channels: c, data: out }, hole };
}

/**
 * Spatial extension: every frame is placed on the larger canvas and the new border is the hole of
 * a video completion — camera motion brings in what other frames saw, PatchMatch keyframes the
 * rest. The source pixels are bit-exact in the output.
 */
export async function outpaintVideo(
  src: { length: number; frame(i: number): FloatFrame | Promise<FloatFrame> },
  placement: CanvasPlacement,
  opts: Omit<CompletionOptions, 'dilate'>,
  emit: (index: number, frame: FloatFrame) => void | Promise<void>,
): Promise<CompletionSummary> {
  let holeCache: Mask | null = null;
  return completeVideo(
    {
      length: src.length,
      frame: async (i) => toCanvas(await src.frame(i), placement).frame,
      mask: async (i) => {
        if (!holeCache) holeCache = toCanvas(await src.frame(i), placement).hole;
        return holeCache;
      },
    },
    { ...opts, dilate: 0 },
    (i, f) => emit(i, f),
  );
}
