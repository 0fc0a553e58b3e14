// `npm run build` (scripts/build.mjs): the Resolve plugin folder in dist/com.syntheticstudio.resolve.
import { tsImport } from 'tsx/esm/api';

export default async function () {
  const { pluginBundleOptions, writePluginStaticFiles } = await tsImport('./src/install/build-plugin.ts', import.meta.url);
  writePluginStaticFiles(undefined, false); // idempotent: safe when a filter skips our bundles
  return pluginBundleOptions();
}
