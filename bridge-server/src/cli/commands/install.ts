import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import {
  InstallError,
  installResolvePlugin,
  installResolveScript,
  uninstallResolvePlugin,
  uninstallResolveScript,
  type InstallResult,
} from '@synthetic-studio/plugin-resolve';
import { loadConfig, TOKEN_FILE } from '../../config/index.js';

interface InstallCliOptions {
  dest?: string;
  dryRun?: boolean;
  from?: string;
  configDir?: string;
  /** Plan for another OS (shows its folders; with --dry-run only). */
  platform?: NodeJS.Platform;
}

const TARGETS = ['resolve', 'resolve-script'] as const;
type Target = (typeof TARGETS)[number];

/** Where the command writes (the process streams; tests pass their own). */
export interface InstallIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: InstallIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

function report(io: InstallIo, r: InstallResult, dryRun: boolean): void {
  if (dryRun) {
    for (const s of r.steps) io.out(`  ${s.op.padEnd(6)} ${s.from ? `${s.from} -> ` : ''}${s.to}\n`);
  }
  for (const m of r.messages) io.out(`${m}\n`);
}

function platformEnv(opts: InstallCliOptions) {
  const platform = opts.platform ?? process.platform;
  if (platform !== process.platform && !opts.dryRun) throw new InstallError('--platform only works with --dry-run.');
  return { platform, env: process.env, home: os.homedir() };
}

function target(name: string): Target {
  if (!(TARGETS as readonly string[]).includes(name)) throw new InstallError(`Unknown target "${name}": use ${TARGETS.join(' or ')}.`);
  return name as Target;
}

async function runInstall(io: InstallIo, name: string, opts: InstallCliOptions): Promise<void> {
  const config = loadConfig({ configDir: opts.configDir });
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const scheme = config.tls ? 'https' : 'http';
  const bridge = { url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${config.port}`, tokenFile: path.join(config.configDir, TOKEN_FILE) };
  const p = platformEnv(opts);
  const dest = opts.dest ? path.resolve(opts.dest) : undefined;
  const common = { ...p, ...(dest ? { dest } : {}), dryRun: Boolean(opts.dryRun), bridge };
  const r = target(name) === 'resolve' ? await installResolvePlugin({ ...common, ...(opts.from ? { from: path.resolve(opts.from) } : {}) }) : installResolveScript(common);
  report(io, r, Boolean(opts.dryRun));
  if (process.env.SUDO_USER && !opts.configDir) {
    io.out(`Installed with sudo: the panel reads the bridge token from ${bridge.tokenFile}. If that is not ${process.env.SUDO_USER}'s config folder, rerun with --config-dir, or pair the panel with the code the bridge prints.\n`);
  }
}

function runUninstall(io: InstallIo, name: string, opts: InstallCliOptions): void {
  const p = platformEnv(opts);
  const common = { ...p, ...(opts.dest ? { dest: path.resolve(opts.dest) } : {}), dryRun: Boolean(opts.dryRun) };
  const r = target(name) === 'resolve' ? uninstallResolvePlugin(common) : uninstallResolveScript(common);
  report(io, r, Boolean(opts.dryRun));
}

function fail(io: InstallIo, e: unknown): void {
  io.err(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}

/**
 * `install resolve` (Workflow Integration plugin, Studio), `install resolve-script` (Scripts menu,
 * free and Studio) and their `uninstall` counterparts.
 */
export function registerInstallCommand(program: Command, io: InstallIo = processIo): void {
  program
    .command('install')
    .description('Install a host integration. resolve: the DaVinci Resolve Studio Workflow Integration panel (copies WorkflowIntegration.node from your own Resolve). resolve-script: the Workspace → Scripts script for the free and Studio editions.')
    .argument('<target>', TARGETS.join(' | '))
    .option('--dest <dir>', 'install into this folder instead of the one DaVinci Resolve scans')
    .option('--dry-run', 'show what would be written, change nothing')
    .option('--from <file>', 'resolve: the WorkflowIntegration.node to copy (default: from the Resolve Developer examples)')
    .option('--config-dir <dir>', 'bridge config folder (for the URL and token the panel uses)')
    .option('--platform <os>', 'with --dry-run: plan for darwin, win32 or linux')
    .action((name: string, opts: InstallCliOptions) => runInstall(io, name, opts).catch((e: unknown) => fail(io, e)));
  program
    .command('uninstall')
    .description('Remove a host integration installed with `install` (resolve | resolve-script).')
    .argument('<target>', TARGETS.join(' | '))
    .option('--dest <dir>', 'the folder given to install --dest')
    .option('--dry-run', 'show what would be removed, change nothing')
    .option('--platform <os>', 'with --dry-run: plan for darwin, win32 or linux')
    .action((name: string, opts: InstallCliOptions) => {
      try {
        runUninstall(io, name, opts);
      } catch (e) {
        fail(io, e);
      }
    });
}
