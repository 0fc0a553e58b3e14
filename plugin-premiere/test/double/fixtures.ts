/** Fixture shapes the premierepro double is built from (plain data, JSON-able). */

export interface MediaFixture {
  /** Absolute media path as `getMediaFilePath()` reports it. */
  path: string;
  /** Frame rate as the host reports it (a float: 23.976023976…, 29.97002997…). */
  fps: number;
  /** Length in source frames. */
  frames: number;
  /** Media start timecode as a frame count at `fps` (e.g. 01:00:00:00 @25 = 90000). */
  startFrame?: number;
  width: number;
  height: number;
  /** What kind of project item it is; nested/merged/multicam have no single source file. */
  kind?: 'clip' | 'sequence' | 'merged' | 'multicam';
  offline?: boolean;
}

export interface TrackItemFixture {
  name?: string;
  media: MediaFixture;
  /** Timeline start in sequence frames. */
  start: number;
  /** Source range in source frames, half-open [in, out). */
  in: number;
  out: number;
  selected?: boolean;
  disabled?: boolean;
  adjustmentLayer?: boolean;
  /** 1 = normal speed. */
  speed?: number;
  reversed?: boolean;
}

export interface SequenceFixture {
  name: string;
  /** Timebase as the host reports it. */
  fps: number;
  dropFrame?: boolean;
  width: number;
  height: number;
  /** Video tracks, V1 first; each a list of clips. */
  tracks: TrackItemFixture[][];
}

export interface ProjectFixture {
  name: string;
  path: string;
  sequences: SequenceFixture[];
  /** Index of the active sequence; null = none open. */
  activeSequence: number | null;
  /** Bins that already exist at the root. */
  bins?: string[];
}

export const NTSC_23_976 = 24000 / 1001;
export const NTSC_29_97 = 30000 / 1001;

const SRC_23976: MediaFixture = { path: '/Volumes/Media/A001 day/A001_C003 23976.mov', fps: NTSC_23_976, frames: 480, startFrame: 86400, width: 1920, height: 1080 };
const SRC_25: MediaFixture = { path: '/Volumes/Media/B-cam/Clip 25p é.mov', fps: 25, frames: 500, startFrame: 90000, width: 1280, height: 720 };
const SRC_2997: MediaFixture = { path: 'C:\\Footage\\Interview 2997.MOV', fps: NTSC_29_97, frames: 3600, startFrame: 107892, width: 3840, height: 2160 };

/** A 23.976 sequence: one trimmed clip on V1, selected. */
export function sequence23976(): SequenceFixture {
  return {
    name: 'Edit 23.976',
    fps: NTSC_23_976,
    width: 1920,
    height: 1080,
    tracks: [[{ name: 'A001_C003', media: SRC_23976, start: 48, in: 100, out: 172, selected: true }], []],
  };
}

/** A 25 sequence: trimmed clip on V1; V2 is busy over its range, V3 is free. */
export function sequence25(): SequenceFixture {
  return {
    name: 'Edit 25',
    fps: 25,
    width: 1280,
    height: 720,
    tracks: [
      [{ name: 'B-cam', media: SRC_25, start: 250, in: 37, out: 87, selected: true }],
      [{ name: 'Title', media: { ...SRC_25, path: '/Volumes/Media/title.mov' }, start: 260, in: 0, out: 20 }],
      [{ name: 'Later', media: { ...SRC_25, path: '/Volumes/Media/later.mov' }, start: 400, in: 0, out: 25 }],
    ],
  };
}

/** A 29.97 drop-frame sequence holding a 29.97 clip on V2 (index 1) and nothing above. */
export function sequence2997DF(): SequenceFixture {
  return {
    name: 'Edit 29.97 DF',
    fps: NTSC_29_97,
    dropFrame: true,
    width: 3840,
    height: 2160,
    tracks: [[], [{ name: 'Interview', media: SRC_2997, start: 17982, in: 1799, out: 1889, selected: true }]],
  };
}

export function projectWith(sequence: SequenceFixture, bins: string[] = []): ProjectFixture {
  return { name: 'Fixture', path: '/Projects/Fixture.prproj', sequences: [sequence], activeSequence: 0, bins };
}
