import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Entry of the browser page: the browser host adapter + the shared panel views. */
export const BROWSER_ENTRY = fileURLToPath(new URL('./browser/main.ts', import.meta.url));

export interface PanelBundle {
  js: string;
  /** Milliseconds esbuild took (logged at start). */
  buildMs: number;
}

/**
 * Bundle the browser panel in memory with esbuild. Done when the bridge starts, so `npm start`
 * works straight after `npm install` with no separate build step. ES2020 + IIFE keeps the output
 * loadable by older embedded engines as well (the same settings suit a UXP or Electron bundle).
 */
export async function buildBrowserBundle(options: { entry?: string; minify?: boolean } = {}): Promise<PanelBundle> {
  const t0 = Date.now();
  const result = await build({
    entryPoints: [options.entry ?? BROWSER_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles?.[0]?.text ?? '';
  return { js, buildMs: Date.now() - t0 };
}

let cached: Promise<PanelBundle> | null = null;

/** One build per process (several bridges in one test process share it). */
export function browserBundle(): Promise<PanelBundle> {
  cached ??= buildBrowserBundle().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}
