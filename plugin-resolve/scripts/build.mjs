#!/usr/bin/env node
// Builds dist/com.syntheticstudio.resolve (the build code is TypeScript, loaded through tsx).
import { tsImport } from 'tsx/esm/api';
const { buildResolvePlugin } = await tsImport('../src/install/build-plugin.ts', import.meta.url);
const out = await buildResolvePlugin(process.argv[2]);
console.log(`Resolve plugin built in ${out}`);
