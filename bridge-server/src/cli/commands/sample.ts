import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseIntOption } from '../options.js';

export function registerSampleCommand(program: Command): void {
  program
    .command('sample')
    .description('Render the deterministic test scene (textured pan, moving object) with its ground truth: clean plate, masks, motion, relit version.')
    .requiredOption('-o, --output <dir>', 'folder to write (meta.json describes every file)')
    .option('--width <px>', 'frame width', parseIntOption, 320)
    .option('--height <px>', 'frame height', parseIntOption, 180)
    .option('--frames <n>', 'number of frames', parseIntOption, 48)
    .option('--fps <rate>', 'frame rate: 24, 25, 30000/1001, …', '24')
    .addOption(new Option('--bit-depth <n>', 'bit depth').choices(['8', '10', '12', '16']).default('10'))
    .addOption(new Option('--codec <codec>', 'clip codec').choices(['prores', 'h264', 'png16']).default('prores'))
    .option('--seed <n>', 'texture seed', parseIntOption)
    .option('--json', 'print meta.json to stdout')
    .action(async (opts: { output: string; width: number; height: number; frames: number; fps: string; bitDepth: string; codec: 'prores' | 'h264' | 'png16'; seed?: number; json?: boolean }) => {
      const { renderSampleScene } = await import('../../media/index.js');
      const dir = path.resolve(opts.output);
      const meta = await renderSampleScene({ dir, width: opts.width, height: opts.height, frames: opts.frames, fps: parseFps(opts.fps), bitDepth: Number(opts.bitDepth) as 8 | 10 | 12 | 16, codec: opts.codec, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
      if (opts.json) process.stdout.write(JSON.stringify(meta) + '\n');
      else process.stdout.write(`Sample scene in ${dir}: ${meta.clip} (${meta.width}x${meta.height}, ${meta.frames} frames @ ${meta.fps.num}/${meta.fps.den}, TC ${meta.startTimecode}), clean plate ${meta.clean}, masks ${meta.mask}/, relit ${meta.relit}\n`);
    });
}

/** "24", "29.97", "30000/1001" → exact rational (the NTSC decimals map to their x/1001 rates). */
export function parseFps(text: string): { num: number; den: number } {
  const t = text.trim();
  const frac = /^(\d+)\/(\d+)$/.exec(t);
  if (frac) return { num: Number(frac[1]), den: Number(frac[2]) };
  const ntsc: Record<string, number> = { '23.976': 24000, '23.98': 24000, '29.97': 30000, '47.952': 48000, '59.94': 60000, '119.88': 120000 };
  if (ntsc[t]) return { num: ntsc[t]!, den: 1001 };
  if (/^\d+$/.test(t)) return { num: Number(t), den: 1 };
  throw new Error(`--fps must be an integer, an NTSC rate (23.976, 29.97, 59.94) or num/den, not "${text}"`);
}
