import { makeLight, type LightRig } from './light-rig.js';

/**
 * The sample scene renderer's light convention (media/sample-scene.ts): azimuth 0 = from the
 * right (+x), 90 = from below (image rows grow downwards), z towards the viewer; Lambert with a
 * white ambient term. Structural type so the engine does not import the media layer.
 */
export interface SceneLight {
  azimuthDeg: number;
  elevationDeg: number;
  color: [number, number, number];
  intensity: number;
  ambient: number;
}

/** The same light as a rig (one hard light, softness 0, plus the white ambient). */
export function rigFromSceneLight(l: SceneLight, name = 'sun'): LightRig {
  const az = (l.azimuthDeg * Math.PI) / 180;
  const el = (l.elevationDeg * Math.PI) / 180;
  const x = Math.cos(el) * Math.cos(az);
  const yUp = -Math.cos(el) * Math.sin(az);
  const z = Math.sin(el);
  const light = makeLight({
    name,
    azimuth: (Math.atan2(x, z) * 180) / Math.PI,
    elevation: (Math.asin(Math.max(-1, Math.min(1, yUp))) * 180) / Math.PI,
    rgb: [l.color[0], l.color[1], l.color[2]],
    intensity: l.intensity,
    softness: 0,
  });
  return { lights: [light], ambient: [l.ambient, l.ambient, l.ambient] };
}
