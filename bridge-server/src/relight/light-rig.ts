import { kelvinToLinearRgb, luminance, type Rgb } from './color.js';

/**
 * A light rig in camera space. Directions: azimuth 0° = from the camera (front), negative =
 * from the viewer's left, positive = from the right, ±180° = from behind (rim); elevation 0° =
 * level, 90° = straight above. Camera-space vectors: x right, y up, z towards the viewer.
 */
export interface Light {
  /** Short name ("key", "fill", "rim", …) used in descriptions. */
  name: string;
  azimuth: number;
  elevation: number;
  /** Linear RGB colour, luminance-normalised when it came from a Kelvin value. */
  color: Rgb;
  /** Colour temperature the colour came from, when it did. */
  kelvin?: number;
  intensity: number;
  /** 0 = hard Lambert terminator, 1 = fully wrapped (light reaches the far side softly). */
  softness: number;
}

export interface LightRig {
  lights: Light[];
  /** Uniform ambient light (linear RGB, already multiplied by its intensity). */
  ambient: Rgb;
}

export interface LightInput {
  name?: string;
  azimuth?: number;
  elevation?: number;
  kelvin?: number;
  rgb?: Rgb;
  intensity?: number;
  softness?: number;
}

export const DEFAULT_KELVIN = 5600;

/** Builds a light with defaults: front-ish key at 5600 K, intensity 1, softness 0.3. */
export function makeLight(input: LightInput): Light {
  const kelvin = input.rgb ? undefined : input.kelvin ?? DEFAULT_KELVIN;
  const color: Rgb = input.rgb ? [input.rgb[0], input.rgb[1], input.rgb[2]] : kelvinToLinearRgb(kelvin as number);
  return {
    name: input.name ?? 'light',
    azimuth: input.azimuth ?? 0,
    elevation: input.elevation ?? 20,
    color,
    ...(kelvin !== undefined ? { kelvin } : {}),
    intensity: input.intensity ?? 1,
    softness: input.softness ?? 0.3,
  };
}

/** Unit vector pointing from the surface towards the light. */
export function lightDirection(azimuthDeg: number, elevationDeg: number): [number, number, number] {
  const az = (azimuthDeg * Math.PI) / 180;
  const el = (elevationDeg * Math.PI) / 180;
  return [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)];
}

export function ambientFrom(intensity: number, color: Rgb = [1, 1, 1]): Rgb {
  return [color[0] * intensity, color[1] * intensity, color[2] * intensity];
}

function sideWord(az: number, el: number): string {
  if (el >= 70) return 'from above';
  if (el <= -45) return 'from below';
  const a = ((((az + 180) % 360) + 360) % 360) - 180;
  const abs = Math.abs(a);
  const lr = a < 0 ? 'left' : 'right';
  if (abs <= 15) return 'from the front';
  if (abs >= 165) return 'from behind';
  if (abs >= 110) return `from behind ${lr}`;
  if (abs >= 70) return `from the ${lr}`;
  return `from the front ${lr}`;
}

function colourWords(l: Light): string {
  if (l.kelvin !== undefined) return `${Math.round(l.kelvin)} K`;
  return `rgb ${l.color.map((c) => c.toFixed(2)).join('/')}`;
}

/** One line per light, for logs and the mapping shown to users. */
export function describeRig(rig: LightRig): string {
  const parts = rig.lights.map(
    (l) =>
      `${l.name} ${sideWord(l.azimuth, l.elevation)} (az ${round1(l.azimuth)}°, el ${round1(l.elevation)}°), ${colourWords(l)}, intensity ${round2(l.intensity)}, softness ${round2(l.softness)}`,
  );
  const amb = rig.ambient;
  parts.push(`ambient ${round2(luminance(amb[0], amb[1], amb[2]))}`);
  return parts.join('; ');
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
