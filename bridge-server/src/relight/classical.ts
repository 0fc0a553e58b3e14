import type { FloatFrame } from '@synthetic-studio/shared';
import { luminancePlane, smoothBlur } from './filters.js';
import type { LightRig } from './light-rig.js';
import { heightFromLuminance, normalsFromDepth, normalsFromHeight, type HeightFromImageOptions, type NormalMap } from './normals.js';
import { applyRatio, shadingRatio, smoothRatio, type RatioMap, type SmoothOptions } from './ratio.js';
import { RatioStabilizer, type StabilizerOptions } from './ratio-temporal.js';
import { fitSize, resizeFrame } from './resample.js';
import { shadeRig } from './shading.js';
import { estimateSourceShading, type SourceLighting } from './source-shading.js';
import type { TemporalPort } from './temporal-port.js';

export interface ClassicalOptions {
  rig: LightRig;
  /** 0 = unchanged, 1 = full relight, up to 2 = exaggerated (ratio raised to this power). */
  strength?: number;
  /** How the plate's own light is estimated (default 'fit'). */
  source?: SourceLighting;
  /** Long side of the working resolution for normals, shading and ratio (default 480). */
  workingMaxSide?: number;
  height?: HeightFromImageOptions;
  smooth?: SmoothOptions;
  /** Temporal engine port; without it each frame is relit on its own (stills, tests). */
  temporal?: TemporalPort;
  stabilizer?: StabilizerOptions;
}

/** Optional per-frame extras, all at the frame's own size. */
export interface FrameAux {
  /** Height-like depth (bright = near) in units of `depthScale` pixels of relief. */
  depth?: Float32Array;
  depthScale?: number;
  /** Subject matte 0..1: the source light is fitted on the subject only. */
  matte?: Float32Array;
}

/** Silhouette relief: matte blurred at this fraction of the shorter side... */
const MATTE_RELIEF_RADIUS = 0.02;
/** ...raised to this many radii, so normals near the matte edge turn outwards (rim and side light catch the silhouette). */
const MATTE_RELIEF_HEIGHT = 12;
/** A broad dome over the whole subject (blur radius, height in radii): one side faces a side light, the other turns away. */
const MATTE_DOME_RADIUS = 0.12;
const MATTE_DOME_HEIGHT = 2.5;

/**
 * Normals at the working size: from depth when given, else from the luminance relief; a subject
 * matte adds an inflated silhouette (the classic "puffed matte" normal trick) on top.
 */
export function estimateNormals(linear: FloatFrame, lum: Float32Array, aux: FrameAux, heightOpts?: HeightFromImageOptions): NormalMap {
  const { width, height } = linear;
  if (aux.depth) return normalsFromDepth(aux.depth, width, height, aux.depthScale ?? 1);
  const h = heightFromLuminance(lum, width, height, heightOpts);
  if (aux.matte) {
    const r = Math.max(1, Math.round(MATTE_RELIEF_RADIUS * Math.min(width, height)));
    const bulge = smoothBlur(aux.matte, width, height, r);
    const k = MATTE_RELIEF_HEIGHT * r;
    const rd = Math.max(1, Math.round(MATTE_DOME_RADIUS * Math.min(width, height)));
    const dome = smoothBlur(aux.matte, width, height, rd);
    const kd = MATTE_DOME_HEIGHT * rd;
    // Squared, so the steepest part (the rim) sits just inside the matte edge, not in its soft band.
    for (let i = 0; i < h.length; i++) h[i] += k * bulge[i] * bulge[i] + kd * dome[i];
  }
  return normalsFromHeight(h, width, height);
}

/**
 * One frame's smoothed ratio (new shading / estimated source shading) at the working size of a
 * linear-light frame that is already at working size.
 */
export function classicalRatio(linear: FloatFrame, opts: ClassicalOptions, aux: FrameAux = {}): { ratio: RatioMap; normals: NormalMap } {
  const { width, height, channels } = linear;
  const lum = luminancePlane(linear.data, channels, width * height);
  const normals = estimateNormals(linear, lum, aux, opts.height);
  const target = shadeRig(normals, opts.rig);
  const source = estimateSourceShading(linear.data, channels, normals, opts.source ?? 'fit', aux.matte);
  const raw = shadingRatio(target, source, width, height, opts.strength ?? 1);
  return { ratio: smoothRatio(raw, lum, opts.smooth), normals };
}

/**
 * The classical relighter for a shot: frames in order (linear light, any size), each gets the
 * rig's ratio computed at the working size, stabilised along the flow, and applied at full size.
 */
export class ClassicalRelighter {
  private readonly stabilizer: RatioStabilizer | undefined;

  constructor(private readonly opts: ClassicalOptions) {
    this.stabilizer = opts.temporal ? new RatioStabilizer(opts.temporal, opts.stabilizer) : undefined;
  }

  /** Working-size copy of a frame and of its aux planes. */
  toWorking(frame: FloatFrame, aux: FrameAux = {}): { frame: FloatFrame; aux: FrameAux } {
    const ws = fitSize(frame.width, frame.height, this.opts.workingMaxSide ?? 480);
    if (ws.width === frame.width && ws.height === frame.height) return { frame, aux };
    const small = resizeFrame(frame, ws.width, ws.height);
    const k = ws.width / frame.width;
    const plane = (p: Float32Array): Float32Array => resizeFrame({ width: frame.width, height: frame.height, channels: 1, data: p }, ws.width, ws.height).data;
    return {
      frame: small,
      aux: {
        ...(aux.depth ? { depth: plane(aux.depth), depthScale: (aux.depthScale ?? 1) * k } : {}),
        ...(aux.matte ? { matte: plane(aux.matte) } : {}),
      },
    };
  }

  /** The stabilised ratio of the next frame (working size). */
  nextRatio(frame: FloatFrame, aux: FrameAux = {}): RatioMap {
    const w = this.toWorking(frame, aux);
    const { ratio } = classicalRatio(w.frame, this.opts, w.aux);
    return this.stabilizer ? this.stabilizer.push(w.frame, ratio) : ratio;
  }

  /** Relights the next frame of the shot (linear light in, linear light out, unclipped). */
  relight(frame: FloatFrame, aux: FrameAux = {}): FloatFrame {
    return applyRatio(frame, this.nextRatio(frame, aux));
  }

  /** Forget the temporal history (a cut, or a seek). */
  reset(): void {
    this.stabilizer?.reset();
  }
}
