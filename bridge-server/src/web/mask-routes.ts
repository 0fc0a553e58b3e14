import type { Router } from 'express';
import { z } from 'zod';
import { describeIssues, MaskShapeSchema, StudioError } from '@synthetic-studio/shared';
import { renderMaskPreview } from './mask-preview.js';
import { probeCached } from './media-routes.js';
import { absolutePath } from './query.js';
import type { WebDeps } from './web-deps.js';

const MaskPreviewRequestSchema = z
  .object({
    path: z.string().min(1).max(4096),
    frame: z.number().int().nonnegative(),
    in: z.number().int().nonnegative().optional(),
    out: z.number().int().positive().optional(),
    shapes: z.array(MaskShapeSchema).min(1).max(1000),
    dilate: z.number().int().min(0).max(256).default(0),
    feather: z.number().int().min(0).max(256).optional(),
    track: z.boolean().default(true),
    count: z.number().int().min(1).max(8).default(4),
    span: z.number().int().min(1).max(48).default(16),
    maxWidth: z.number().int().min(32).max(640).default(240),
  })
  .strict();

/**
 * `POST /api/masks/preview` {path, frame, in?, out?, shapes, dilate?, track?, count?, span?, maxWidth?}
 * → {frames: [{frame, image (data: URL), coverage}]}: the painted mask on its frame and, with
 * `track`, carried over the next frames of the range — what the job will use, before it runs.
 */
export function mountMaskRoutes(router: Router, deps: WebDeps): void {
  router.post('/masks/preview', async (req, res) => {
    const parsed = MaskPreviewRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      throw new StudioError('E_VALIDATION', `Invalid mask preview request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    const r = parsed.data;
    const path = absolutePath(r.path);
    const info = await probeCached(path, deps.config.maxPixels);
    const rin = r.in ?? 0;
    const rout = Math.min(r.out ?? info.frameCount, info.frameCount);
    if (!(rin < rout) || r.frame < rin || r.frame >= rout) throw new StudioError('E_RANGE', `The mask frame ${r.frame} must lie inside the range [${rin}, ${rout}).`, { frame: r.frame, in: rin, out: rout });
    if (!r.shapes.some((s) => !s.erase)) throw new StudioError('E_MASK_EMPTY');
    const controller = new AbortController();
    res.on('close', () => { if (!res.writableFinished) controller.abort(); });
    const frames = await renderMaskPreview({ path, info, frame: r.frame, in: rin, out: rout, shapes: r.shapes, dilate: r.dilate, track: r.track, count: r.count, maxSpan: r.span, maxWidth: r.maxWidth, signal: controller.signal });
    res.json({ frames });
  });
}
