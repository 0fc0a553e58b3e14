import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { frameHash, readFrames, type MediaInfo } from '../media/index.js';

/**
 * Sequential frame access for the temporal engine over the media layer's streaming decoder:
 * frame(i) must be asked in non-decreasing order (what the windowed completion does); each
 * source frame is decoded once.
 */
export class SequentialFrames {
  private it: AsyncGenerator<{ index: number; frame: FloatFrame }> | null = null;
  private lastIndex = -1;
  private lastFrame: FloatFrame | null = null;

  constructor(private readonly path: string, private readonly info: MediaInfo, private readonly from: number, private readonly to: number, private readonly signal: AbortSignal) {}

  /** Source frame `index` (absolute). */
  async get(index: number): Promise<FloatFrame> {
    if (index === this.lastIndex && this.lastFrame) return this.lastFrame;
    if (index < this.lastIndex) throw new StudioError('E_INTERNAL', `frames must be read in order (asked ${index} after ${this.lastIndex})`);
    this.it ??= readFrames(this.path, { info: this.info, in: this.from, out: this.to, channels: 3, signal: this.signal });
    for (;;) {
      const r = await this.it.next();
      if (r.done) throw new StudioError('E_MEDIA_CORRUPT', `The clip ended before frame ${index}.`, { index });
      this.lastIndex = r.value.index;
      this.lastFrame = r.value.frame;
      if (r.value.index === index) return r.value.frame;
    }
  }

  async close(): Promise<void> {
    await this.it?.return(undefined);
  }
}

/** Read frames [from, to) into memory (short spans: tails and heads for extension, tracking chunks). */
export async function readSpan(path: string, info: MediaInfo, from: number, to: number, signal: AbortSignal): Promise<FloatFrame[]> {
  const out: FloatFrame[] = [];
  for await (const { frame } of readFrames(path, { info, in: from, out: to, channels: 3, signal })) {
    if (signal.aborted) throw new StudioError('E_CANCELLED');
    out.push(frame);
  }
  return out;
}

/** frameHash() of the first and last source frames a job decoded (for the output's sidecar). */
export type SourceHashes = { first?: string; last?: string };

/**
 * Frame i of `range` (relative to its in point), read in order from `reader`; the hashes of the
 * range's first and last frame are recorded in `hashes` as they pass.
 */
export function hashedRangeFrames(reader: SequentialFrames, range: { in: number; out: number }, hashes: SourceHashes): (i: number) => Promise<FloatFrame> {
  const total = range.out - range.in;
  return async (i) => {
    const f = await reader.get(range.in + i);
    if (i === 0) hashes.first = frameHash(f);
    if (i === total - 1) hashes.last = frameHash(f);
    return f;
  };
}
