import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import { writeFileAtomic } from './atomic-file.js';
import { frameCheckpointComplete, readFrameCheckpoint, writeFrameCheckpoint } from './frame-checkpoint.js';
import type { SegmentSink } from './segment-encoder.js';

/**
 * The output writer's checkpoints: ENCODED SEGMENTS of the output format.
 *
 * Output slots 0 … frameCount-1 are grouped in fixed segments of `segmentFrames` (boundaries
 * depend only on the slot, so a resumed run cuts the same segments). Frames arriving in order
 * stream straight into their segment's encoder; a segment is durable once its encoder exited 0,
 * its file(s) were fsynced and it was renamed to its final name in `<workDir>/segments`. Frames
 * that cannot stream (out of order) wait as per-frame checkpoints in `<workDir>/frames` and are fed
 * to their segment's encoder when their turn comes (or all at once when the segment is full).
 * Every segment encoder is fed the same raw bytes through the same command whichever way they
 * arrived, so an interrupted-then-resumed job produces byte-identical segments by construction.
 *
 * Streamed frames are also kept one by one when that is cheap next to making them ('auto': small
 * frames, or frames that took seconds to produce), so slow jobs lose at most one frame on a kill;
 * fast large frames (the copy of a 1080p clip) are only ever held by the encoder.
 */
export interface SegmentStoreOptions {
  workDir: string;
  frameCount: number;
  width: number;
  height: number;
  channels: 3 | 4;
  segmentFrames: number;
  /** 'movie': each segment is one file `seg-NNNNNN<ext>`; 'files': a folder of numbered files. */
  kind: 'movie' | 'files';
  ext: string;
  /** Everything that makes segment bytes (format, settings, encoder version): a change discards segments. */
  signature: string;
  /** Everything that makes frame checkpoints (size, channels, numbering): a change discards all. */
  geometry: string;
  /** Open the encoder of segment `index` (slots first … first+count-1), writing `target`. */
  openSink(seg: { index: number; first: number; count: number }, target: string): SegmentSink | Promise<SegmentSink>;
  /** 'auto' (default), 'always' or 'never' keep a per-frame checkpoint of streamed frames too. */
  keepFrames?: 'auto' | 'always' | 'never';
  signal?: AbortSignal;
}

interface Active {
  seg: number;
  next: number;
  end: number;
  sink: SegmentSink;
  tmp: string;
}

/** Frames at most this big (raw) are always kept one by one too: their checkpoint costs next to nothing. */
const SMALL_FRAME_BYTES = 1 << 20;
/** A frame that took this long to make is kept one by one too (a kill must not lose seconds of work per frame). */
const SLOW_FRAME_MS = 2000;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

async function fsyncPath(p: string): Promise<void> {
  let fh;
  try {
    fh = await open(p, 'r');
    await fh.sync();
  } catch {
    /* some platforms cannot open or fsync a folder */
  } finally {
    await fh?.close();
  }
}

export class SegmentStore {
  readonly segments: number;
  readonly framesDir: string;
  readonly segmentsDir: string;
  private readonly o: SegmentStoreOptions;
  private readonly K: number;
  private readonly frameBytes: number;
  private readonly complete: boolean[];
  /** Slots with a per-frame checkpoint file. */
  private readonly ckpt = new Set<number>();
  /** Slots handed to an encoder in this process (durable once their segment completes). */
  private readonly accepted = new Set<number>();
  private active: Active | null = null;
  private finishing: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly live = new Set<SegmentSink>();
  /** Segments with an encoder (streaming or finishing). */
  private readonly encoding = new Set<number>();
  private readonly temps = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastPut = performance.now();

  private constructor(o: SegmentStoreOptions) {
    this.o = o;
    this.K = Math.max(1, Math.floor(o.segmentFrames));
    this.frameBytes = o.width * o.height * o.channels * 2;
    this.segments = Math.ceil(o.frameCount / this.K);
    this.complete = new Array(this.segments).fill(false);
    this.framesDir = join(o.workDir, 'frames');
    this.segmentsDir = join(o.workDir, 'segments');
    o.signal?.addEventListener('abort', () => { for (const s of this.live) void s.kill(); }, { once: true });
  }

  /** Open (or resume) the checkpoints in `workDir`: complete segments and frame checkpoints are kept, everything else removed. */
  static async open(o: SegmentStoreOptions): Promise<SegmentStore> {
    const st = new SegmentStore(o);
    const stateFile = join(o.workDir, 'writer.json');
    const state = { version: 2, geometry: o.geometry, segmentFrames: st.K, signature: o.signature };
    const prev = JSON.parse((await readFile(stateFile, 'utf8').catch(() => null)) ?? 'null') as typeof state | null;
    if (!prev || prev.version !== 2 || prev.geometry !== o.geometry) {
      await rm(st.framesDir, { recursive: true, force: true });
      await rm(st.segmentsDir, { recursive: true, force: true });
    } else if (prev.segmentFrames !== st.K || prev.signature !== o.signature) {
      await rm(st.segmentsDir, { recursive: true, force: true }); // frame checkpoints are raw samples: still good
    }
    await mkdir(st.framesDir, { recursive: true });
    await mkdir(st.segmentsDir, { recursive: true });
    if (JSON.stringify(prev) !== JSON.stringify(state)) await writeFileAtomic(stateFile, JSON.stringify(state));
    for (const e of await readdir(st.segmentsDir)) {
      const m = /^seg-(\d{6})(.*)$/.exec(e);
      const s = m ? Number(m[1]) : -1;
      let ok = false;
      if (m && s < st.segments) {
        const { count } = st.range(s);
        if (o.kind === 'movie') ok = m[2] === o.ext && (await stat(join(st.segmentsDir, e))).size > 0;
        else ok = m[2] === '' && (await readdir(join(st.segmentsDir, e))).length === count;
      }
      if (ok) st.complete[s] = true;
      // temp, torn or stale (an encoder orphaned by a killed run may still be adding files: retry)
      else if (!/^hash-\d+\.txt$/.test(e)) await rm(join(st.segmentsDir, e), { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    }
    for (const e of await readdir(st.framesDir)) {
      const m = /^(\d{8})\.png$/.exec(e);
      const k = m ? Number(m[1]) : -1;
      if (m && k < o.frameCount && !st.complete[st.segOf(k)] && (await frameCheckpointComplete(join(st.framesDir, e)))) st.ckpt.add(k);
      else if (!/^hash-\d+\.txt$/.test(e)) await rm(join(st.framesDir, e), { force: true });
    }
    return st;
  }

  segOf(slot: number): number {
    return Math.floor(slot / this.K);
  }

  range(seg: number): { first: number; count: number } {
    const first = seg * this.K;
    return { first, count: Math.min(this.K, this.o.frameCount - first) };
  }

  /** Final path of a complete segment (file or folder). */
  segmentPath(seg: number): string {
    return join(this.segmentsDir, `seg-${pad(seg, 6)}${this.o.kind === 'movie' ? this.o.ext : ''}`);
  }

  isComplete(seg: number): boolean {
    return this.complete[seg];
  }

  /** Durable (complete segment or frame checkpoint), or already taken by an encoder in this run. */
  has(slot: number): boolean {
    return this.complete[this.segOf(slot)] || this.ckpt.has(slot) || this.accepted.has(slot);
  }

  /** Frames that are durable now (what a kill at this moment would keep). */
  durableFrames(): number {
    let n = this.ckpt.size;
    for (let s = 0; s < this.segments; s++) if (this.complete[s]) n += this.range(s).count;
    return n;
  }

  private ckPath(slot: number): string {
    return join(this.framesDir, `${pad(slot, 8)}.png`);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.o.signal?.aborted) throw new StudioError('E_CANCELLED');
  }

  /** Take one frame (big-endian 16-bit samples, handed over). A frame already held is ignored: the first write wins. */
  put(slot: number, be: Uint8Array): Promise<void> {
    // a cancel kills the encoders: report the cancel, not the broken pipe it causes
    const p = this.queue.then(() => this.putNow(slot, be)).catch((e: unknown) => {
      throw this.o.signal?.aborted ? new StudioError('E_CANCELLED') : e;
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async putNow(slot: number, be: Uint8Array): Promise<void> {
    this.check();
    if (be.byteLength !== this.frameBytes) throw new StudioError('E_INTERNAL', `Frame ${slot} has ${be.byteLength} bytes; expected ${this.frameBytes}.`);
    const slow = performance.now() - this.lastPut >= SLOW_FRAME_MS;
    try {
      if (this.has(slot)) return;
      const s = this.segOf(slot);
      const a = this.active;
      if (a && a.seg === s && a.next === slot) await this.feed(a, slot, be, slow);
      else if (!a && !this.encoding.has(s) && this.startable(s, slot)) await this.feed(await this.start(s, true), slot, be, slow);
      else {
        await writeFrameCheckpoint(this.ckPath(slot), be, this.o.width, this.o.height, this.o.channels);
        this.ckpt.add(slot);
        if (!this.encoding.has(s) && this.fullInCheckpoints(s)) await this.encodeFromCheckpoints(s);
      }
      this.check();
    } finally {
      this.lastPut = performance.now();
    }
  }

  private keep(slow: boolean): boolean {
    const mode = this.o.keepFrames ?? 'auto';
    return mode === 'always' || (mode === 'auto' && (this.frameBytes <= SMALL_FRAME_BYTES || slow));
  }

  /** Segment `s` can start streaming at `slot` when every slot before it in the segment is checkpointed. */
  private startable(s: number, slot: number): boolean {
    for (let j = this.range(s).first; j < slot; j++) if (!this.ckpt.has(j)) return false;
    return true;
  }

  private fullInCheckpoints(s: number): boolean {
    const { first, count } = this.range(s);
    for (let j = first; j < first + count; j++) if (!this.ckpt.has(j)) return false;
    return true;
  }

  /** Segment `s`'s encoder, writing a temp name in the segments folder (renamed when it completes). */
  private async openSegment(s: number, open: SegmentStoreOptions['openSink']): Promise<{ first: number; count: number; sink: SegmentSink; tmp: string }> {
    const { first, count } = this.range(s);
    const tmp = join(this.segmentsDir, `.tmp-seg-${pad(s, 6)}-${randomBytes(4).toString('hex')}${this.o.kind === 'movie' ? this.o.ext : ''}`);
    this.temps.add(tmp);
    if (this.o.kind === 'files') await mkdir(tmp);
    const sink = await open({ index: s, first, count }, tmp);
    this.live.add(sink);
    this.encoding.add(s);
    return { first, count, sink, tmp };
  }

  private async start(s: number, asActive: boolean): Promise<Active> {
    const { first, count, sink, tmp } = await this.openSegment(s, this.o.openSink);
    const a: Active = { seg: s, next: first, end: first + count, sink, tmp };
    if (asActive) this.active = a;
    await this.pump(a); // frames of the segment already checkpointed go first
    return a;
  }

  private async feed(a: Active, slot: number, be: Uint8Array, slow: boolean): Promise<void> {
    const kept = this.keep(slow)
      ? writeFrameCheckpoint(this.ckPath(slot), be, this.o.width, this.o.height, this.o.channels).then(() => void this.ckpt.add(slot))
      : undefined;
    await Promise.all([a.sink.write(be), kept]);
    this.accepted.add(slot);
    a.next++;
    await this.pump(a);
  }

  /** Feed checkpointed frames while they are next; end the segment once every frame is in. */
  private async pump(a: Active): Promise<void> {
    while (a.next < a.end && this.ckpt.has(a.next)) {
      this.check();
      await a.sink.write(await readFrameCheckpoint(this.ckPath(a.next), this.o.width, this.o.height, this.o.channels));
      this.accepted.add(a.next);
      a.next++;
    }
    if (a.next === a.end) {
      if (this.active === a) this.active = null;
      await this.end(a);
    }
  }

  private async encodeFromCheckpoints(s: number): Promise<void> {
    await this.start(s, false); // pump feeds every frame and ends the segment
  }

  /** Segment `s` has not begun: nothing of it is complete, checkpointed, taken or encoding. */
  untouched(s: number): boolean {
    if (this.complete[s] || this.encoding.has(s)) return false;
    const { first, count } = this.range(s);
    for (let j = first; j < first + count; j++) if (this.ckpt.has(j) || this.accepted.has(j)) return false;
    return true;
  }

  /**
   * Encode an untouched segment with a sink that gets its frames elsewhere (a decoder piped into
   * the encoder): it becomes durable like any other segment, and is awaited here.
   */
  async encodeWhole(s: number, open: (seg: { index: number; first: number; count: number }, target: string) => SegmentSink): Promise<void> {
    await this.queue;
    this.check();
    if (!this.untouched(s)) throw new StudioError('E_INTERNAL', `Segment ${s} has already begun.`);
    const { first, count, sink, tmp } = await this.openSegment(s, open);
    for (let j = first; j < first + count; j++) this.accepted.add(j);
    await this.end({ seg: s, next: first + count, end: first + count, sink, tmp });
    await this.finishing;
    if (!this.complete[s]) for (let j = first; j < first + count; j++) this.accepted.delete(j);
    this.check();
  }

  /**
   * Finish a segment in the background (the next one streams meanwhile); at most one finishes at
   * a time, so at most two encoders are alive.
   */
  private async end(a: Active): Promise<void> {
    await this.finishing;
    this.finishing = (async () => {
      try {
        await a.sink.close();
        this.live.delete(a.sink);
        if (this.o.kind === 'files') {
          for (const f of await readdir(a.tmp)) await fsyncPath(join(a.tmp, f));
        }
        await fsyncPath(a.tmp);
        await rename(a.tmp, this.segmentPath(a.seg));
        this.temps.delete(a.tmp);
        await fsyncPath(this.segmentsDir);
        this.complete[a.seg] = true;
        const { first, count } = this.range(a.seg);
        for (let j = first; j < first + count; j++) {
          if (this.ckpt.delete(j)) await rm(this.ckPath(j), { force: true });
        }
      } catch (e) {
        this.live.delete(a.sink);
        await a.sink.kill().catch(() => undefined);
        await rm(a.tmp, { recursive: true, force: true });
        this.temps.delete(a.tmp);
        this.failure ??= this.o.signal?.aborted ? new StudioError('E_CANCELLED') : e;
      } finally {
        this.encoding.delete(a.seg);
      }
    })();
  }

  /**
   * Every frame is in: finish the streaming segment and encode the segments whose frames are all
   * checkpoints (a resumed job that had nothing left to compute). Throws when frames are missing.
   */
  async flush(): Promise<void> {
    await this.queue;
    this.check();
    for (let s = 0; s < this.segments; s++) {
      if (this.complete[s] || this.encoding.has(s)) continue;
      if (this.fullInCheckpoints(s)) await this.encodeFromCheckpoints(s);
    }
    await this.finishing;
    this.check();
    const incomplete = this.complete.findIndex((c) => !c);
    if (incomplete >= 0) {
      const { first, count } = this.range(incomplete);
      throw new StudioError('E_INTERNAL', `Cannot finalize: segment ${incomplete} (output frames ${first}–${first + count - 1}) is not complete.`);
    }
  }

  /** Stop every encoder and remove temp segments; checkpoints stay for a resume unless `purge`. */
  async abort(purge = false): Promise<void> {
    for (const s of this.live) await s.kill().catch(() => undefined);
    this.live.clear();
    this.active = null;
    await this.finishing;
    this.encoding.clear();
    for (const t of this.temps) await rm(t, { recursive: true, force: true });
    this.temps.clear();
    if (purge) {
      await rm(this.framesDir, { recursive: true, force: true });
      await rm(this.segmentsDir, { recursive: true, force: true });
    }
  }
}
