import { luminance } from './color.js';
import type { LightRig } from './light-rig.js';

/** Writes a rig as a light spec string that `parseLightSpec` reads back to the same rig. */
export function rigToSpec(rig: LightRig): string {
  const items = rig.lights.map((l) => {
    const colour = l.kelvin !== undefined ? `k=${Math.round(l.kelvin)}` : `rgb=${l.color.map(num).join('/')}`;
    return `${l.name}:az=${num(l.azimuth)},el=${num(l.elevation)},${colour},i=${num(l.intensity)},s=${num(l.softness)}`;
  });
  const [r, g, b] = rig.ambient;
  const y = luminance(r, g, b);
  if (y > 0) items.push(`ambient:i=${num(y)},rgb=${[r / y, g / y, b / y].map(num).join('/')}`);
  else items.push('ambient:i=0');
  return items.join(';');
}

function num(v: number): string {
  return String(Math.round(v * 10000) / 10000);
}
