import type { Rational } from '@synthetic-studio/shared';

export interface SampleSceneOptions {
  dir: string;
  width?: number;
  height?: number;
  frames?: number;
  fps?: Rational;
  /** 8, 10, 12 or 16; ProRes is 10-bit whatever is asked (12/16 → png16 sequence as codec). */
  bitDepth?: 8 | 10 | 12 | 16;
  codec?: 'prores' | 'h264' | 'png16';
  /** Start timecode of the clip; default 01:00:00:00 (drop-frame form at 29.97/59.94). */
  startTimecode?: string;
  seed?: number;
}

/** A light in the sample scene: direction, linear RGB colour, intensity, and an ambient term. */
export interface SampleLight {
  azimuthDeg: number;
  elevationDeg: number;
  color: [number, number, number];
  intensity: number;
  ambient: number;
}

/** DIR/meta.json. Paths are relative to DIR. */
export interface SampleMeta {
  clip: string;
  clean: string;
  /** Folder of 8-bit grey PNGs, `00000.png` = clip frame 0. */
  mask: string;
  relit: string;
  frames: number;
  fps: Rational;
  width: number;
  height: number;
  bitDepth: number;
  codec: string;
  startTimecode: string;
  /** JSON file: per frame, camera offset in pixels relative to frame 0 ({frame, x, y}); image content moves by (-x, -y). */
  motion: string;
  lights: { a: SampleLight; b: SampleLight };
  /** 16-bit PNG of the background albedo (linear), the full pan area. */
  albedo: string;
  /** 16-bit grey PNG of the height field (0..1 → 0..heightScale pixels). (`height` is the frame height.) */
  heightField: string;
  heightScale: number;
  /** Transfer function used to encode the clips (linear scene → code values). */
  transfer: 'bt709';
  object: { shape: 'sphere'; radiusPx: number; albedo: [number, number, number] };
}
