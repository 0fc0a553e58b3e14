import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultManifest, manifestXml, PLUGIN_FOLDER } from '../plugin/manifest.js';

/** plugin-resolve/ */
export const PLUGIN_PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The free-edition script shipped with the package. */
export const SCRIPT_SOURCE = join(PLUGIN_PACKAGE_ROOT, 'scripts', 'Synthetic Studio.py');
export const DEFAULT_BUILD_DIR = join(PLUGIN_PACKAGE_ROOT, 'dist', PLUGIN_FOLDER);

export function pluginVersion(): string {
  return (JSON.parse(readFileSync(join(PLUGIN_PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Files a built plugin folder holds (WorkflowIntegration.node is added at install time only). */
export const PLUGIN_FILES = ['manifest.xml', 'package.json', 'main.js', 'preload.js', 'index.html', 'panel.js'] as const;

/**
 * Build the Workflow Integration plugin folder with esbuild: main.js (Electron main, CommonJS,
 * `electron` and `./WorkflowIntegration.node` left as runtime requires), preload.js (sandboxed:
 * requires only `electron`), panel.js (the shared panel + ResolveHost for the page), index.html,
 * manifest.xml and package.json.
 */
export async function buildResolvePlugin(outDir: string = DEFAULT_BUILD_DIR): Promise<string> {
  const { build } = await import('esbuild');
  const src = join(PLUGIN_PACKAGE_ROOT, 'src');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, logLevel: 'silent' as const, legalComments: 'none' as const, target: 'es2022' };
  await build({ ...common, entryPoints: [join(src, 'main', 'electron-main.ts')], outfile: join(outDir, 'main.js'), platform: 'node', format: 'cjs', external: ['electron', './WorkflowIntegration.node'] });
  await build({ ...common, entryPoints: [join(src, 'renderer', 'preload.ts')], outfile: join(outDir, 'preload.js'), platform: 'node', format: 'cjs', external: ['electron'] });
  await build({ ...common, entryPoints: [join(src, 'renderer', 'page.ts')], outfile: join(outDir, 'panel.js'), platform: 'browser', format: 'iife' });
  copyFileSync(join(src, 'renderer', 'index.html'), join(outDir, 'index.html'));
  const version = pluginVersion();
  writeFileSync(join(outDir, 'manifest.xml'), manifestXml(defaultManifest(version)));
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: PLUGIN_FOLDER, version, private: true, main: 'main.js' }, null, 2) + '\n');
  return outDir;
}
