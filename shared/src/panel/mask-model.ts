import type { MaskShape, MaskSpec } from '../protocol/index.js';

/**
 * The mask editor as data. Everything is in normalised frame coordinates ((0,0) top-left,
 * (1,1) bottom-right); brush radius is a fraction of the frame width, like MaskShape 'stroke'.
 * Views turn pointer positions into these calls and draw `shapes` + `draft` as vectors over the
 * preview <img>; the bridge rasterises them (UXP's canvas cannot read pixels).
 */
export type MaskTool = 'brush' | 'eraser' | 'rect' | 'ellipse';
export type Point = [number, number];

export interface MaskState {
  tool: MaskTool;
  /** Brush/eraser radius as a fraction of frame width. */
  brushRadius: number;
  shapes: MaskShape[];
  /** The shape being drawn (pointer down), not yet committed. */
  draft: MaskShape | null;
  /** Drag origin for rect/ellipse drafts. */
  anchor: Point | null;
  undoStack: MaskShape[][];
  redoStack: MaskShape[][];
}

export const MIN_BRUSH = 0.005;
export const MAX_BRUSH = 0.25;

export function emptyMask(): MaskState {
  return { tool: 'brush', brushRadius: 0.04, shapes: [], draft: null, anchor: null, undoStack: [], redoStack: [] };
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
const round = (v: number): number => Math.round(v * 1e5) / 1e5;
const pt = (p: Point): Point => [round(clamp01(p[0])), round(clamp01(p[1]))];

export function setTool(m: MaskState, tool: MaskTool): MaskState {
  return { ...m, tool, draft: null, anchor: null };
}

export function setBrushRadius(m: MaskState, r: number): MaskState {
  return { ...m, brushRadius: Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, r)) };
}

/** Pointer down at p. */
export function beginDraft(m: MaskState, p: Point): MaskState {
  const q = pt(p);
  if (m.tool === 'brush' || m.tool === 'eraser') {
    return { ...m, anchor: q, draft: { shape: 'stroke', points: [q], radius: m.brushRadius, ...(m.tool === 'eraser' ? { erase: true } : {}) } };
  }
  return { ...m, anchor: q, draft: shapeFromDrag(m.tool, q, q) };
}

/** Pointer moved to p while down. Stroke points closer than a quarter radius are skipped. */
export function extendDraft(m: MaskState, p: Point): MaskState {
  if (!m.draft || !m.anchor) return m;
  const q = pt(p);
  if (m.draft.shape === 'stroke') {
    const last = m.draft.points[m.draft.points.length - 1]!;
    if (Math.hypot(q[0] - last[0], q[1] - last[1]) < m.draft.radius / 4) return m;
    return { ...m, draft: { ...m.draft, points: [...m.draft.points, q] } };
  }
  return { ...m, draft: shapeFromDrag(m.tool, m.anchor, q) };
}

/** Pointer up: the draft joins the shapes (degenerate rects/ellipses are dropped). */
export function commitDraft(m: MaskState): MaskState {
  const d = m.draft;
  if (!d) return m;
  const degenerate = (d.shape === 'rect' && (d.w <= 0 || d.h <= 0)) || (d.shape === 'ellipse' && (d.rx <= 0 || d.ry <= 0));
  if (degenerate) return { ...m, draft: null, anchor: null };
  return { ...m, shapes: [...m.shapes, d], draft: null, anchor: null, undoStack: [...m.undoStack, m.shapes], redoStack: [] };
}

export function cancelDraft(m: MaskState): MaskState {
  return { ...m, draft: null, anchor: null };
}

/** One dab (keyboard painting): a stroke of one point, or a brush-sized rect/ellipse. */
export function stamp(m: MaskState, p: Point): MaskState {
  const q = pt(p);
  if (m.tool === 'rect' || m.tool === 'ellipse') {
    const r = m.brushRadius;
    return commitDraft({ ...m, anchor: [q[0] - r, q[1] - r], draft: shapeFromDrag(m.tool, pt([q[0] - r, q[1] - r]), pt([q[0] + r, q[1] + r])) });
  }
  return commitDraft(beginDraft(m, q));
}

export function undo(m: MaskState): MaskState {
  if (m.undoStack.length === 0) return m;
  const previous = m.undoStack[m.undoStack.length - 1]!;
  return { ...m, shapes: previous, draft: null, anchor: null, undoStack: m.undoStack.slice(0, -1), redoStack: [...m.redoStack, m.shapes] };
}

export function redo(m: MaskState): MaskState {
  if (m.redoStack.length === 0) return m;
  const next = m.redoStack[m.redoStack.length - 1]!;
  return { ...m, shapes: next, draft: null, anchor: null, redoStack: m.redoStack.slice(0, -1), undoStack: [...m.undoStack, m.shapes] };
}

export function clearMask(m: MaskState): MaskState {
  if (m.shapes.length === 0) return m;
  return { ...m, shapes: [], draft: null, anchor: null, undoStack: [...m.undoStack, m.shapes], redoStack: [] };
}

/** True when at least one painting (non-erasing) shape exists. */
export function hasPaint(m: MaskState): boolean {
  return m.shapes.some((s) => !s.erase);
}

/** The MaskSpec a job carries: shapes painted on source frame `frame`, tracked through the range. */
export function toMaskSpec(m: MaskState, frame: number, track = true): MaskSpec | undefined {
  if (!hasPaint(m)) return undefined;
  return { kind: 'shapes', shapes: m.shapes, frame, track };
}

function shapeFromDrag(tool: MaskTool, a: Point, b: Point): MaskShape {
  const x0 = Math.min(a[0], b[0]);
  const y0 = Math.min(a[1], b[1]);
  const w = round(Math.abs(b[0] - a[0]));
  const h = round(Math.abs(b[1] - a[1]));
  if (tool === 'ellipse') return { shape: 'ellipse', cx: round(x0 + w / 2), cy: round(y0 + h / 2), rx: round(w / 2), ry: round(h / 2) };
  return { shape: 'rect', x: x0, y: y0, w, h };
}
