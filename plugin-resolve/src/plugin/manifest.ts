import { PLUGIN_ID } from './ipc.js';

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  /** Entry script, relative to the plugin folder. */
  filePath: string;
}

export const PLUGIN_FOLDER = PLUGIN_ID;

export function defaultManifest(version: string): PluginManifest {
  return {
    id: PLUGIN_ID,
    name: 'Synthetic Studio',
    version,
    description: 'Local generative video: remove, extend and relight clips with the Synthetic Studio bridge.',
    filePath: 'main.js',
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** manifest.xml: <BlackmagicDesign><Plugin> with Id, Name, Version, Description, FilePath (hosts.md 2.2). */
export function manifestXml(m: PluginManifest): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<BlackmagicDesign>',
    '    <Plugin>',
    `        <Id>${esc(m.id)}</Id>`,
    `        <Name>${esc(m.name)}</Name>`,
    `        <Version>${esc(m.version)}</Version>`,
    `        <Description>${esc(m.description)}</Description>`,
    `        <FilePath>${esc(m.filePath)}</FilePath>`,
    '    </Plugin>',
    '</BlackmagicDesign>',
    '',
  ].join('\n');
}

/** Read the fields back (the installer and tests check a built manifest with this). */
export function parseManifestXml(xml: string): Partial<PluginManifest> {
  const get = (tag: string) => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
    return m ? m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : undefined;
  };
  const out: Partial<PluginManifest> = {};
  const fields: Array<[keyof PluginManifest, string]> = [['id', 'Id'], ['name', 'Name'], ['version', 'Version'], ['description', 'Description'], ['filePath', 'FilePath']];
  for (const [key, tag] of fields) {
    const v = get(tag);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
