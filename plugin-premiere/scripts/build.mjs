#!/usr/bin/env node
// Build the Premiere UXP plugin into plugin-premiere/dist/plugin (load that folder's manifest.json
// in UXP Developer Tool). With --package, also write dist/<id>_premierepro.ccx at the repo root.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { zip } from './zip.mjs';

const pluginRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(pluginRoot, '..');

/** Bundle and lay out the plugin folder. Returns its path. */
export async function buildPlugin({ outDir = path.join(pluginRoot, 'dist', 'plugin'), minify = true } = {}) {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(pluginRoot, 'src', 'uxp', 'main.ts')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'es2020',
    // Provided by the host at runtime through require().
    external: ['premierepro', 'uxp', 'os'],
    minify,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(pluginRoot, 'manifest.json'), path.join(outDir, 'manifest.json'));
  fs.copyFileSync(path.join(pluginRoot, 'static', 'index.html'), path.join(outDir, 'index.html'));
  return outDir;
}

/** Zip a built plugin folder into a .ccx (manifest.json at the root). Returns the .ccx path. */
export function packagePlugin(pluginDir, outDir = path.join(repoRoot, 'dist')) {
  const manifest = JSON.parse(fs.readFileSync(path.join(pluginDir, 'manifest.json'), 'utf8'));
  const files = listFiles(pluginDir).sort((a, b) => (a === 'manifest.json' ? -1 : b === 'manifest.json' ? 1 : a.localeCompare(b)));
  const archive = zip(files.map((name) => ({ name, data: fs.readFileSync(path.join(pluginDir, name)) })));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${manifest.id}_premierepro.ccx`);
  fs.writeFileSync(file, archive);
  return file;
}

function listFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = await buildPlugin();
  console.log(`built ${path.relative(repoRoot, dir)}`);
  if (process.argv.includes('--package')) console.log(`packaged ${path.relative(repoRoot, packagePlugin(dir))}`);
}
