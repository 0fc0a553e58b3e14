import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { SERVER_VERSION } from '../server/index.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerJobsCommand } from './commands/jobs.js';
import { registerRunCommand } from './commands/run.js';
import { registerSampleCommand } from './commands/sample.js';
import { registerServeCommand } from './commands/serve.js';

/** Commands of this folder that program.ts wires explicitly (the spine's own). */
const WIRED: ((program: Command) => void)[] = [registerServeCommand, registerRunCommand, registerJobsCommand, registerDoctorCommand, registerSampleCommand, registerDemoCommand];
const WIRED_FILES = new Set(['serve', 'run', 'jobs', 'doctor', 'sample', 'demo']);

/**
 * The whole CLI. The spine's commands are wired above; every other `commands/<name>.ts` (models,
 * install, cert, …) is discovered and registered through its `register<Name>Command` export, and
 * one that is missing or fails to load only costs its own command, never the CLI.
 */
export async function buildProgram(): Promise<Command> {
  const program = new Command();
  program
    .name('synthetic-studio')
    .description('Local generative video for editors: inpaint, extend and relight clips from Premiere Pro, DaVinci Resolve, a browser or this command line.')
    .version(SERVER_VERSION)
    .showHelpAfterError();
  for (const register of WIRED) register(program);
  await registerDiscovered(program);
  return program;
}

/** Commands other helpers own; listed so a bundle (where the folder cannot be read) still finds them. */
const KNOWN_OPTIONAL = ['cert', 'install', 'models'];

async function registerDiscovered(program: Command): Promise<void> {
  let names: string[];
  try {
    const dir = fileURLToPath(new URL('./commands/', import.meta.url));
    names = fs.readdirSync(dir).filter((f) => /^[a-z0-9-]+\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort();
  } catch {
    names = KNOWN_OPTIONAL;
  }
  for (const name of names) {
    if (WIRED_FILES.has(name)) continue;
    try {
      // A template literal: esbuild bundles every commands/*.ts it matches; tsx loads the .ts directly.
      const mod = (await import(`./commands/${name}.ts`)) as Record<string, unknown>;
      const register = Object.entries(mod).find(([k, v]) => /^register[A-Z]\w*Command$/.test(k) && typeof v === 'function')?.[1] as ((p: Command) => void) | undefined;
      if (register) register(program);
    } catch (e) {
      if (process.env.SYNTHETIC_STUDIO_DEBUG) process.stderr.write(`warning: command "${name}" failed to load: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}
