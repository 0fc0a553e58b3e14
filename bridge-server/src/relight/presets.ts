import { kelvinToLinearRgb, type Rgb } from './color.js';
import { ambientFrom, makeLight, type LightRig } from './light-rig.js';

function amb(intensity: number, kelvin: number): Rgb {
  return ambientFrom(intensity, kelvinToLinearRgb(kelvin));
}

/**
 * Named rigs. The source is taken as lit at unit intensity; over a camera-facing hemisphere the
 * presets' mean shading is 0.5–1 (three-point and warm-interior ≈ 1, noon 0.7, top-light 0.5,
 * moonlight 0.25 on purpose), so they mostly change direction and colour, and darken only where
 * the look asks for it.
 */
const PRESET_BUILDERS: Record<string, { about: string; build: () => LightRig }> = {
  'golden-hour': {
    about: 'low warm sun from the left, cool sky fill',
    build: () => ({
      lights: [
        makeLight({ name: 'sun', azimuth: -70, elevation: 10, kelvin: 3000, intensity: 1.3, softness: 0.25 }),
        makeLight({ name: 'sky', azimuth: 60, elevation: 45, kelvin: 9000, intensity: 0.2, softness: 0.9 }),
      ],
      ambient: amb(0.18, 4500),
    }),
  },
  'blue-hour': {
    about: 'soft cold light after sunset',
    build: () => ({
      lights: [makeLight({ name: 'sky', azimuth: -30, elevation: 35, kelvin: 12000, intensity: 0.55, softness: 0.8 })],
      ambient: amb(0.35, 15000),
    }),
  },
  overcast: {
    about: 'soft high diffuse daylight, low contrast',
    build: () => ({
      lights: [makeLight({ name: 'sky', azimuth: 0, elevation: 60, kelvin: 6500, intensity: 0.6, softness: 1 })],
      ambient: amb(0.45, 7000),
    }),
  },
  noon: {
    about: 'hard sun from high above, blue sky fill',
    build: () => ({
      lights: [makeLight({ name: 'sun', azimuth: 10, elevation: 70, kelvin: 5600, intensity: 1.25, softness: 0.1 })],
      ambient: amb(0.22, 10000),
    }),
  },
  'top-light': {
    about: 'single light straight above',
    build: () => ({
      lights: [makeLight({ name: 'top', azimuth: 0, elevation: 85, kelvin: 4300, intensity: 1.2, softness: 0.2 })],
      ambient: amb(0.12, 5000),
    }),
  },
  'cool-rim': {
    about: 'neutral key from the front left, cool rim from behind right',
    build: () => ({
      lights: [
        makeLight({ name: 'key', azimuth: -35, elevation: 20, kelvin: 5600, intensity: 0.8, softness: 0.4 }),
        makeLight({ name: 'rim', azimuth: 150, elevation: 20, kelvin: 10000, intensity: 1.4, softness: 0.2 }),
      ],
      ambient: amb(0.15, 6500),
    }),
  },
  'warm-rim': {
    about: 'neutral key from the front right, warm rim from behind left',
    build: () => ({
      lights: [
        makeLight({ name: 'key', azimuth: 35, elevation: 20, kelvin: 5600, intensity: 0.8, softness: 0.4 }),
        makeLight({ name: 'rim', azimuth: -150, elevation: 20, kelvin: 3000, intensity: 1.4, softness: 0.2 }),
      ],
      ambient: amb(0.15, 5600),
    }),
  },
  'three-point': {
    about: 'classic studio key, fill and back light',
    build: () => ({
      lights: [
        makeLight({ name: 'key', azimuth: -45, elevation: 30, kelvin: 5600, intensity: 1, softness: 0.5 }),
        makeLight({ name: 'fill', azimuth: 45, elevation: 10, kelvin: 5600, intensity: 0.35, softness: 0.8 }),
        makeLight({ name: 'back', azimuth: 165, elevation: 35, kelvin: 5600, intensity: 0.7, softness: 0.3 }),
      ],
      ambient: amb(0.1, 5600),
    }),
  },
  'window-left': {
    about: 'soft daylight window on the left',
    build: () => ({
      lights: [makeLight({ name: 'window', azimuth: -80, elevation: 10, kelvin: 6000, intensity: 1.15, softness: 0.6 })],
      ambient: amb(0.15, 6500),
    }),
  },
  'window-right': {
    about: 'soft daylight window on the right',
    build: () => ({
      lights: [makeLight({ name: 'window', azimuth: 80, elevation: 10, kelvin: 6000, intensity: 1.15, softness: 0.6 })],
      ambient: amb(0.15, 6500),
    }),
  },
  'warm-interior': {
    about: 'cozy tungsten room light: soft warm key, warm bounce',
    build: () => ({
      lights: [
        makeLight({ name: 'lamp', azimuth: -40, elevation: 20, kelvin: 2800, intensity: 0.9, softness: 0.7 }),
        makeLight({ name: 'bounce', azimuth: 50, elevation: 0, kelvin: 3200, intensity: 0.25, softness: 1 }),
      ],
      ambient: amb(0.2, 3000),
    }),
  },
  candle: {
    about: 'very warm low practical light, dark surroundings',
    build: () => ({
      lights: [makeLight({ name: 'flame', azimuth: -40, elevation: 0, kelvin: 1900, intensity: 1, softness: 0.5 })],
      ambient: amb(0.05, 2500),
    }),
  },
  moonlight: {
    about: 'dim cold light from above right',
    build: () => ({
      lights: [makeLight({ name: 'moon', azimuth: 40, elevation: 45, rgb: [0.55, 0.75, 1.25], intensity: 0.45, softness: 0.3 })],
      ambient: ambientFrom(0.1, [0.6, 0.8, 1.3]),
    }),
  },
  neon: {
    about: 'magenta from the left, cyan from the right',
    build: () => ({
      lights: [
        makeLight({ name: 'magenta', azimuth: -75, elevation: 10, rgb: [1.3, 0.25, 1.0], intensity: 0.8, softness: 0.4 }),
        makeLight({ name: 'cyan', azimuth: 75, elevation: 10, rgb: [0.2, 1.0, 1.3], intensity: 0.8, softness: 0.4 }),
      ],
      ambient: amb(0.08, 6500),
    }),
  },
  flat: {
    about: 'even light from every side (removes directional shading)',
    build: () => ({ lights: [], ambient: ambientFrom(1) }),
  },
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESET_BUILDERS);

/** A fresh copy of a preset rig, or undefined for an unknown name. */
export function presetRig(name: string): LightRig | undefined {
  const p = PRESET_BUILDERS[name.toLowerCase()];
  return p ? p.build() : undefined;
}

export function presetAbout(name: string): string | undefined {
  return PRESET_BUILDERS[name.toLowerCase()]?.about;
}
