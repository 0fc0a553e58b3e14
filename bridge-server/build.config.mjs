// esbuild entries for `npm run build` (scripts/build.mjs reads this file; paths are relative to
// bridge-server/). The bridge + CLI as one ESM file for installs without tsx; native and large
// dependencies stay external and are loaded from node_modules.
const external = [
  'better-sqlite3', 'sharp', 'onnxruntime-node', 'onnxruntime-common', '@ffmpeg-installer/*', '@ffprobe-installer/*', 'fluent-ffmpeg',
  'pino', 'express', 'ws', 'commander', 'zod', 'playwright-core', 'node-forge', 'esbuild', 'tsx', 'tsx/*',
];

export default [
  {
    name: 'bridge-cli',
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/synthetic-studio.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external,
    // CommonJS dependencies bundled into ESM need require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
];
