import type { ResolveApi } from './resolve-api.js';

export interface ResolveVersion {
  major: number;
  minor: number;
  patch: number;
  build: number;
  /** GetProductName(): "DaVinci Resolve Studio" or "DaVinci Resolve". */
  product: string;
  studio: boolean;
}

/** GetVersion() → [major, minor, patch, build, suffix] (hosts.md 2.1). */
export async function readVersion(resolve: ResolveApi): Promise<ResolveVersion> {
  const fields = (await resolve.GetVersion()) ?? [];
  const num = (i: number) => {
    const v = Number(fields[i]);
    return Number.isFinite(v) ? v : 0;
  };
  const product = String((await resolve.GetProductName()) ?? '');
  return { major: num(0), minor: num(1), patch: num(2), build: num(3), product, studio: /studio/i.test(product) };
}

export function atLeast(v: ResolveVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** `AppendToTimeline` clipInfo `trackIndex`/`recordFrame` arrived with 18.5 (absent from older READMEs). */
export function supportsPositionedAppend(v: ResolveVersion): boolean {
  return atLeast(v, 18, 5);
}

/** `AddTrack(type, {index})` (insert at a 1-based index) arrived with 19.0. */
export function supportsTrackInsert(v: ResolveVersion): boolean {
  return atLeast(v, 19, 0);
}

