import { StudioError } from '@synthetic-studio/shared';
import { kelvinToLinearRgb, type Rgb } from './color.js';
import { ambientFrom, describeRig, makeLight, type Light, type LightRig } from './light-rig.js';
import { presetAbout, presetRig } from './presets.js';
import { rigToSpec } from './rig-to-spec.js';

/** A rig derived from words, with the explanation shown to the user. */
export interface PromptMapping {
  rig: LightRig;
  /** Human-readable: what each phrase became. */
  description: string;
  /** The same rig as a `--light` spec, so the user can tweak and reuse it. */
  spec: string;
  /** The phrases that were understood, in order. */
  matched: string[];
}

/** Phrases that name a whole lighting setup; the preset may depend on the clause (window side). */
const PRESET_PHRASES: Array<[RegExp, string | ((clause: string) => string)]> = [
  [/\b(golden[ -]?(hour|time)|sunset|sunrise|late afternoon)\b/, 'golden-hour'],
  [/\b(blue[ -]?hour|dusk|twilight)\b/, 'blue-hour'],
  [/\b(overcast|cloudy|grey sky|gray sky|natural light(ing)?)\b/, 'overcast'],
  [/\b(noon|midday|mid-day|harsh sun(light)?|high sun)\b/, 'noon'],
  [/\b(top[ -]?light|overhead light)\b/, 'top-light'],
  [/\bwindow\b/, (c) => (/\bright\b/.test(c) ? 'window-right' : 'window-left')],
  [/\b(candle ?light|candle|fire ?light|fireplace)\b/, 'candle'],
  [/\b(moon ?light|moonlit|night)\b/, 'moonlight'],
  [/\b(neon|cyberpunk)\b/, 'neon'],
  [/\b(studio|three[ -]point)\b/, 'three-point'],
  [/\b(cozy|cosy|home|bedroom|living room|indoor|interior)\b/, 'warm-interior'],
];

/** Specific hues first, so "cold blue light" is blue, not merely cool. */
const COLOUR_WORDS: Array<[RegExp, { kelvin?: number; rgb?: Rgb; word: string }]> = [
  [/\b(blue|bluish)\b/, { rgb: [0.35, 0.6, 1.6], word: 'blue' }],
  [/\b(cyan|teal)\b/, { rgb: [0.2, 1.0, 1.3], word: 'cyan' }],
  [/\b(red|reddish)\b/, { rgb: [2.2, 0.35, 0.3], word: 'red' }],
  [/\b(green|greenish)\b/, { rgb: [0.4, 1.15, 0.4], word: 'green' }],
  [/\b(magenta|pink|purple|violet)\b/, { rgb: [1.3, 0.3, 1.3], word: 'magenta' }],
  [/\b(yellow)\b/, { rgb: [1.3, 1.05, 0.3], word: 'yellow' }],
  [/\b(orange|amber)\b/, { kelvin: 2300, word: 'orange' }],
  [/\b(warm|tungsten|incandescent)\b/, { kelvin: 3200, word: 'warm' }],
  [/\b(cool|cold)\b/, { kelvin: 9000, word: 'cool' }],
  [/\b(daylight|white|neutral)\b/, { kelvin: 5600, word: 'neutral daylight' }],
];

const LIGHTISH = /\b(light|lights|lit|lighting|lamp|glow|sun|sunlight|sunshine|rim|key|fill|backlight|backlit|kicker|spot|spotlight|from)\b/;

/**
 * Maps a simple lighting prompt ("warm light from the left", "blue rim light", "golden hour",
 * "soft overcast") to a rig. Clauses are split at commas, "and", "with", "plus" and ";"; each
 * clause is a preset phrase or one light. Throws E_VALIDATION when nothing is understood.
 */
export function promptToRig(prompt: string): PromptMapping {
  const text = prompt.toLowerCase().replace(/\s+/g, ' ').trim();
  const clauses = splitClauses(text);
  const explained: string[] = [];
  const matched: string[] = [];
  let base: LightRig | undefined;
  const lights: Light[] = [];
  let globalSoft: number | undefined;

  for (const clause of clauses) {
    const preset = PRESET_PHRASES.find(([re]) => re.test(clause));
    if (preset && !base) {
      const [re, which] = preset;
      const name = typeof which === 'string' ? which : which(clause);
      base = presetRig(name) as LightRig;
      const phrase = (clause.match(re) as RegExpMatchArray)[0];
      matched.push(phrase);
      explained.push(`"${phrase}" → preset ${name} (${presetAbout(name)})`);
      // Adjectives on a preset clause ("soft overcast", "harsh noon") tune all its lights.
      const soft = softnessOf(clause);
      if (soft) globalSoft = soft.value;
      if (soft) explained.push(`"${soft.word}" → softness ${soft.value} on every light`);
      continue;
    }
    const light = clauseToLight(clause, lights.length);
    if (light) {
      lights.push(light.light);
      matched.push(clause);
      explained.push(`"${clause}" → ${light.explanation}`);
      continue;
    }
    const soft = softnessOf(clause);
    if (soft) {
      globalSoft = soft.value;
      matched.push(soft.word);
      explained.push(`"${soft.word}" → softness ${soft.value} on every light`);
    }
  }

  if (!base && lights.length === 0) {
    throw new StudioError(
      'E_VALIDATION',
      `the prompt "${prompt}" does not describe a light the classical engine understands; try e.g. "warm light from the left", "blue rim light", "golden hour", "soft overcast", or give --light`,
      { field: 'prompt' },
    );
  }

  let rig: LightRig;
  if (base) {
    rig = { lights: [...base.lights, ...lights], ambient: base.ambient };
  } else if (lights.every((l) => isAccent(l))) {
    // Only accents (rims) named: keep an even neutral base so the subject is not darkened.
    rig = { lights, ambient: ambientFrom(0.85) };
    explained.push('no key light named → neutral even base (ambient 0.85) under the accent');
  } else {
    rig = { lights, ambient: ambientFrom(0.15) };
  }
  if (globalSoft !== undefined) for (const l of rig.lights) l.softness = globalSoft;

  const description = `${explained.join('; ')}. Rig: ${describeRig(rig)}`;
  return { rig, description, spec: rigToSpec(rig), matched };
}

/**
 * Clauses split at , ; + "with" "plus"; "and" splits only when the part after it names a light
 * or a colour of its own ("warm key and a blue rim"), not in "from the right and above".
 */
function splitClauses(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/\s*(?:,|;|\+|\bwith\b|\bplus\b)\s*/)) {
    const pieces = part.split(/\s*\band\b\s*/);
    const merged: string[] = [];
    for (const piece of pieces) {
      const standsAlone = LIGHT_NOUN.test(piece) || COLOUR_WORDS.some(([re]) => re.test(piece)) || PRESET_PHRASES.some(([re]) => re.test(piece));
      if (merged.length > 0 && !standsAlone) merged[merged.length - 1] += ` and ${piece}`;
      else merged.push(piece);
    }
    out.push(...merged);
  }
  return out.map((c) => c.trim()).filter((c) => c.length > 0);
}

const LIGHT_NOUN = /\b(light|lights|lit|lighting|lamp|glow|sun|sunlight|sunshine|rim|key|fill|backlight|backlit|kicker|spot|spotlight)\b/;

function isAccent(l: Light): boolean {
  return Math.abs(l.azimuth) >= 110;
}

function softnessOf(clause: string): { value: number; word: string } | undefined {
  const soft = clause.match(/\b(soft|diffuse|gentle|wrapped)\b/);
  if (soft) return { value: 0.85, word: soft[0] };
  const hard = clause.match(/\b(hard|harsh|crisp|sharp)\b/);
  if (hard) return { value: 0.05, word: hard[0] };
  return undefined;
}

function clauseToLight(clause: string, index: number): { light: Light; explanation: string } | undefined {
  const colour = COLOUR_WORDS.find(([re]) => re.test(clause));
  const explicitK = clause.match(/\b(\d{4,5})\s?k\b/);
  const isRim = /\b(rim|back ?light|backlit|kicker|from behind|behind)\b/.test(clause);
  const isFill = /\bfill\b/.test(clause);
  const dir = directionOf(clause);
  if (!colour && !explicitK && !isRim && !dir && !LIGHTISH.test(clause)) return undefined;
  if (!colour && !explicitK && !isRim && !dir && !isFill) {
    // "light" alone says nothing about the light; do not invent one.
    if (!/\b(key|spot|spotlight|lamp|sun|sunlight|sunshine)\b/.test(clause)) return undefined;
  }

  const notes: string[] = [];
  const role = isRim ? 'rim' : isFill ? 'fill' : index === 0 ? 'key' : `light${index + 1}`;
  let azimuth: number;
  let elevation: number;
  if (isRim) {
    const left = dir?.side === 'left';
    azimuth = left ? -150 : 150;
    elevation = dir?.vertical === 'above' ? 50 : 20;
    notes.push(`from behind ${left ? 'left' : 'right'} (az ${azimuth}°, el ${elevation}°)`);
  } else if (dir) {
    azimuth = dir.azimuth;
    elevation = dir.elevation;
    notes.push(`from ${dir.words}`);
  } else {
    azimuth = isFill ? 40 : -35;
    elevation = isFill ? 10 : 25;
    notes.push(isFill ? 'fill from the front right (default)' : 'from the front left (default key position)');
  }

  let kelvin: number | undefined;
  let rgb: Rgb | undefined;
  if (explicitK) {
    kelvin = Math.min(40000, Math.max(1000, Number(explicitK[1])));
    notes.push(`${kelvin} K`);
  } else if (colour) {
    kelvin = colour[1].kelvin;
    rgb = colour[1].rgb;
    notes.push(kelvin !== undefined ? `${colour[1].word} = ${kelvin} K` : `${colour[1].word} = rgb ${(rgb as Rgb).join('/')}`);
  } else {
    kelvin = 5600;
    notes.push('5600 K (neutral default)');
  }

  let intensity = isRim ? 1.3 : isFill ? 0.4 : 1.1;
  const strong = clause.match(/\b(bright|strong|intense|powerful)\b/);
  const weak = clause.match(/\b(dim|subtle|faint|weak|low-key|slight)\b/);
  if (strong) intensity *= 1.4;
  if (weak) intensity *= 0.55;
  notes.push(`intensity ${round2(intensity)}${strong ? ` ("${strong[0]}")` : weak ? ` ("${weak[0]}")` : ''}`);

  const soft = softnessOf(clause);
  const softness = soft ? soft.value : isRim ? 0.2 : isFill ? 0.8 : 0.35;
  notes.push(`softness ${softness}${soft ? ` ("${soft.word}")` : ''}`);

  const light = makeLight({ name: role, azimuth, elevation, ...(rgb ? { rgb } : { kelvin }), intensity, softness });
  if (rgb === undefined && kelvin !== undefined) light.color = kelvinToLinearRgb(kelvin);
  return { light, explanation: `${role} light, ${notes.join(', ')}` };
}

interface Direction {
  azimuth: number;
  elevation: number;
  words: string;
  side?: 'left' | 'right';
  vertical?: 'above' | 'below';
}

function directionOf(clause: string): Direction | undefined {
  const left = /\bleft\b/.test(clause);
  const right = /\bright\b/.test(clause);
  const front = /\b(front|camera|frontal|face on)\b/.test(clause);
  const above = /\b(above|top|overhead|high)\b/.test(clause);
  const below = /\b(below|under|underneath|bottom|low angle)\b/.test(clause);
  const behind = /\b(behind|back)\b/.test(clause);
  if (!left && !right && !front && !above && !below && !behind) return undefined;
  const side = left && !right ? 'left' : right && !left ? 'right' : undefined;
  let azimuth = 0;
  if (side) azimuth = side === 'left' ? -70 : 70;
  if (side && front) azimuth /= 2;
  if (behind) azimuth = side === 'left' ? -150 : side === 'right' ? 150 : 180;
  let elevation = 25;
  if (above) elevation = side || front ? 55 : 80;
  if (below) elevation = -35;
  const words = [side === 'left' ? 'the left' : side === 'right' ? 'the right' : front ? 'the front' : '', above ? 'above' : below ? 'below' : '', behind ? 'behind' : '']
    .filter((w) => w)
    .join(', ');
  return { azimuth, elevation, words: `${words} (az ${azimuth}°, el ${elevation}°)`, ...(side ? { side } : {}), ...(above ? { vertical: 'above' as const } : below ? { vertical: 'below' as const } : {}) };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
