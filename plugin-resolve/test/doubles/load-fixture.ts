import { readFileSync } from 'node:fs';
import { PLUGIN_ID } from '../../src/plugin/ipc.js';
import { ResolveDouble, type DoubleOptions, type ResolveFixture } from './resolve-double.js';

export type FixtureName = 'timeline-24' | 'timeline-25' | 'timeline-2997df';

export function loadFixture(name: FixtureName): ResolveFixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as ResolveFixture;
}

/** A double for a fixture, launched by Resolve with our manifest id unless told otherwise. */
export function makeDouble(name: FixtureName | ResolveFixture, options: Partial<DoubleOptions> = {}): ResolveDouble {
  const fixture = typeof name === 'string' ? loadFixture(name) : name;
  return new ResolveDouble(fixture, { manifestId: PLUGIN_ID, ...options });
}
