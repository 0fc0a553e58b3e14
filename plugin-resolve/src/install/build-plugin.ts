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

/** esbuild options for the three bundles (also used by the root `npm run build` via build.config.mjs). */
export function pluginBundleOptions(outDir: string = DEFAULT_BUILD_DIR) {
  const src = join(PLUGIN_PACKAGE_ROOT, 'src');
  const common = { bundle: true, legalComments: 'none' as const, target: 'es2022' };
  return [
    // Electron main: CommonJS; `electron` and `./WorkflowIntegration.node` stay runtime requires.
    // `ws` (the bridge socket relay) is bundled; its optional native add-ons are tried in a
    // try/catch and absent from the plugin folder, so ws uses its JS fallbacks.
    { name: 'resolve-main', ...common, entryPoints: [join(src, 'main', 'electron-main.ts')], outfile: join(outDir, 'main.js'), platform: 'node' as const, format: 'cjs' as const, external: ['electron', './WorkflowIntegration.node', 'bufferutil', 'utf-8-validate'] },
    // Sandboxed preload: may require only `electron`.
    { name: 'resolve-preload', ...common, entryPoints: [join(src, 'renderer', 'preload.ts')], outfile: join(outDir, 'preload.js'), platform: 'node' as const, format: 'cjs' as const, external: ['electron'] },
    // The page: the shared panel + ResolveHost.
    { name: 'resolve-panel', ...common, entryPoints: [join(src, 'renderer', 'page.ts')], outfile: join(outDir, 'panel.js'), platform: 'browser' as const, format: 'iife' as const },
  ];
}

/** index.html, manifest.xml and package.json of the plugin folder; `clean` empties it first. */
export function writePluginStaticFiles(outDir: string = DEFAULT_BUILD_DIR, clean = true): void {
  if (clean) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  copyFileSync(join(PLUGIN_PACKAGE_ROOT, 'src', 'renderer', 'index.html'), join(outDir, 'index.html'));
  const version = pluginVersion();
  writeFileSync(join(outDir, 'manifest.xml'), manifestXml(defaultManifest(version)));
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: PLUGIN_FOLDER, version, private: true, main: 'main.js' }, null, 2) + '\n');
}

/**
 * Build the Workflow Integration plugin folder: main.js (Electron main), preload.js, panel.js,
 * index.html, manifest.xml and package.json (WorkflowIntegration.node is added at install time).
 */
export async function buildResolvePlugin(outDir: string = DEFAULT_BUILD_DIR): Promise<string> {
  const { build } = await import('esbuild');
  writePluginStaticFiles(outDir);
  for (const { name: _name, ...options } of pluginBundleOptions(outDir)) await build({ ...options, logLevel: 'silent' });
  return outDir;
}
