/**
 * The relight tab's light: a key light given by direction (azimuth/elevation), colour temperature
 * and intensity, or one of the bridge's named presets. Conventions: azimuth in degrees, 0 = from
 * the camera, −90 = from the subject's left as seen in frame, +90 = from the right, ±180 = from
 * behind; elevation 0 = horizon, 90 = overhead.
 */
export interface LightRig {
  /** A preset id used as-is ("preset:<id>") until the user edits the light. */
  preset: string | null;
  azimuth: number;
  elevation: number;
  kelvin: number;
  intensity: number;
  /** Optional coloured rim from behind (azimuth opposite the key). */
  rim: boolean;
}

export interface LightPreset {
  id: string;
  label: string;
  rig: Omit<LightRig, 'preset'>;
}

// Ids match the bridge's relight presets (bridge-server/src/relight/presets.ts); the values are
// each preset's main light, the starting point when the user edits a preset into a custom rig.
export const LIGHT_PRESETS: readonly LightPreset[] = [
  { id: 'golden-hour', label: 'Golden hour', rig: { azimuth: -70, elevation: 10, kelvin: 3000, intensity: 1.3, rim: false } },
  { id: 'overcast', label: 'Overcast', rig: { azimuth: 0, elevation: 60, kelvin: 6500, intensity: 0.6, rim: false } },
  { id: 'noon', label: 'Noon', rig: { azimuth: 10, elevation: 70, kelvin: 5600, intensity: 1.25, rim: false } },
  { id: 'blue-hour', label: 'Blue hour', rig: { azimuth: -30, elevation: 35, kelvin: 12000, intensity: 0.55, rim: false } },
  { id: 'cool-rim', label: 'Cool rim', rig: { azimuth: -35, elevation: 20, kelvin: 5600, intensity: 0.8, rim: true } },
  { id: 'top-light', label: 'Top light', rig: { azimuth: 0, elevation: 85, kelvin: 4300, intensity: 1.2, rim: false } },
];

export function defaultRig(): LightRig {
  const p = LIGHT_PRESETS[0]!;
  return { preset: p.id, ...p.rig };
}

export function applyPreset(id: string): LightRig {
  const p = LIGHT_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`Unknown light preset "${id}"`);
  return { preset: p.id, ...p.rig };
}

const wrap180 = (a: number): number => ((((a + 180) % 360) + 360) % 360) - 180;

/** Edit the light; any edit turns a preset into a custom rig. */
export function editRig(rig: LightRig, patch: Partial<Omit<LightRig, 'preset'>>): LightRig {
  const next = { ...rig, ...patch, preset: null };
  next.azimuth = Math.round(wrap180(next.azimuth));
  next.elevation = Math.round(Math.min(90, Math.max(0, next.elevation)));
  next.kelvin = Math.round(Math.min(12000, Math.max(1500, next.kelvin)));
  next.intensity = Math.round(Math.min(4, Math.max(0, next.intensity)) * 100) / 100;
  return next;
}

/** The `params.light` string the relight task parses. */
export function rigToSpec(rig: LightRig): string {
  if (rig.preset) return `preset:${rig.preset}`;
  const key = `key:az=${rig.azimuth},el=${rig.elevation},k=${rig.kelvin},i=${rig.intensity}`;
  return rig.rim ? `${key};rim:az=${wrap180(rig.azimuth + 180)},el=20,k=10000,i=${Math.round(rig.intensity * 175) / 100}` : key;
}

/**
 * Direction picker geometry: a top-down disc with the camera at the bottom and the subject in the
 * centre; overhead light sits at the centre, horizon light on the rim. Coordinates in [-1, 1].
 */
export function rigToPickerPoint(rig: Pick<LightRig, 'azimuth' | 'elevation'>): { x: number; y: number } {
  const r = 1 - rig.elevation / 90;
  const a = (rig.azimuth * Math.PI) / 180;
  return { x: Math.sin(a) * r, y: Math.cos(a) * r };
}

export function pickerPointToDirection(x: number, y: number): { azimuth: number; elevation: number } {
  const r = Math.min(1, Math.hypot(x, y));
  const azimuth = r < 1e-6 ? 0 : (Math.atan2(x, y) * 180) / Math.PI;
  return { azimuth: Math.round(azimuth), elevation: Math.round((1 - r) * 90) };
}
