import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '@synthetic-studio/shared';
import { resolveFfmpeg } from './ffmpeg-binaries.js';
import { encodeExrFrom16BEAsync, type ExrEncodeOptions } from './exr-encode.js';
import { stderrTail } from './process.js';

/** Where one segment's frames go: an encoder fed big-endian 16-bit frames in order. */
export interface SegmentSink {
  /** Hand over one frame; resolves when the encoder has taken it (backpressure). */
  write(be: Uint8Array): Promise<void>;
  /** All frames given: finish the file(s); throws E_FFMPEG when the encoder failed. */
  close(): Promise<void>;
  /** Stop now (cancel); the caller removes what was written. */
  kill(): Promise<void>;
}

/** An ffmpeg process reading raw frames on stdin (`-i pipe:0` in `args`). */
export function ffmpegSegmentSink(args: string[], what: string): SegmentSink {
  const child = spawn(resolveFfmpeg().ffmpeg.path, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += b.toString('utf8');
  });
  const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
  let failed: Error | undefined;
  child.on('error', (e) => (failed = e));
  child.stdin.on('error', (e) => (failed = failed ?? e)); // also reported through the exit code
  const fail = () => new StudioError('E_FFMPEG', `Encoding ${what} failed: ${stderrTail(stderr) || failed?.message || 'the encoder stopped'}`, { stderr: stderrTail(stderr, 10) });
  return {
    async write(be) {
      if (failed || child.exitCode !== null) throw fail();
      if (!child.stdin.write(be)) await Promise.race([once(child.stdin, 'drain'), exited]);
    },
    async close() {
      child.stdin.end();
      const code = await exited;
      if (code !== 0 || failed) throw fail();
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * OpenEXR files from the built-in writer (no ffmpeg needed): frame n of the segment becomes
 * `<dir>/<first + n, 7 digits>.exr`, carrying its own timecode (`timecodeOffset` + n).
 */
export function exrSegmentSink(dir: string, seg: { first: number; width: number; height: number; channels: 3 | 4 }, opts: ExrEncodeOptions): SegmentSink {
  let n = 0;
  let killed = false;
  return {
    async write(be) {
      if (killed) throw new StudioError('E_CANCELLED');
      const bytes = await encodeExrFrom16BEAsync(be, seg.width, seg.height, seg.channels, { ...opts, timecodeOffset: (opts.timecodeOffset ?? 0) + n });
      await writeFile(join(dir, `${String(seg.first + n).padStart(7, '0')}.exr`), bytes);
      n++;
    },
    async close() {
      if (killed) throw new StudioError('E_CANCELLED');
    },
    async kill() {
      killed = true;
    },
  };
}

/**
 * A segment encoded with no pixels through this process: a decoder's stdout handed straight to the
 * encoder's stdin (an OS pipe between the two ffmpeg processes). `verify` checks the result once
 * both exited 0 (e.g. the frame count, since a decoder that stops early is not an error to the encoder).
 */
export function pipedSegmentSink(decoderArgs: string[], encoderArgs: string[], what: string, verify: () => Promise<void>): SegmentSink {
  const bin = resolveFfmpeg().ffmpeg.path;
  const dec = spawn(bin, decoderArgs, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const enc = spawn(bin, encoderArgs, { stdio: [dec.stdout, 'ignore', 'pipe'], windowsHide: true });
  dec.stdout.destroy(); // the encoder holds the pipe now; this process must never read from it
  const errs = { dec: '', enc: '' };
  dec.stderr.on('data', (b: Buffer) => void (errs.dec.length < 65536 && (errs.dec += b.toString('utf8'))));
  enc.stderr.on('data', (b: Buffer) => void (errs.enc.length < 65536 && (errs.enc += b.toString('utf8'))));
  const exit = (c: ChildProcess) => new Promise<number>((res) => { c.on('error', () => res(-1)); c.on('close', (code) => res(code ?? -1)); });
  const exited = Promise.all([exit(dec), exit(enc)]);
  return {
    async write() {
      throw new StudioError('E_INTERNAL', `${what} is fed by its decoder, not frame by frame.`);
    },
    async close() {
      const [d, e] = await exited;
      if (d !== 0) throw new StudioError('E_FFMPEG', `Decoding for ${what} failed: ${stderrTail(errs.dec) || `exit ${d}`}`, { stderr: stderrTail(errs.dec, 10) });
      if (e !== 0) throw new StudioError('E_FFMPEG', `Encoding ${what} failed: ${stderrTail(errs.enc) || `exit ${e}`}`, { stderr: stderrTail(errs.enc, 10) });
      await verify();
    },
    async kill() {
      for (const c of [dec, enc] as ChildProcess[]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited;
    },
  };
}
