import { ModelInfoSchema, type ModelInfo } from '@synthetic-studio/shared';
import { ModelStore } from '@synthetic-studio/models';

const KINDS = new Set(ModelInfoSchema.shape.kind.options as readonly string[]);

/**
 * Models for `capabilities` and `models.list`: every installed model folder in `modelsDir`, plus
 * the known manifests not installed yet (so a panel can say what to install).
 */
export function listModels(modelsDir: string): ModelInfo[] {
  const store = new ModelStore(modelsDir);
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const m of store.installed()) {
    seen.add(m.name);
    const kind = m.record?.kind ?? 'other';
    out.push({ name: m.name, kind: (KINDS.has(kind) ? kind : 'other') as ModelInfo['kind'], path: m.dir, installed: true, ...(m.record ? { sizeBytes: m.record.files.reduce((a, f) => a + f.size, 0) } : {}) });
  }
  for (const manifest of store.manifests) {
    if (seen.has(manifest.name)) continue;
    out.push({ name: manifest.name, kind: (KINDS.has(manifest.kind) ? manifest.kind : 'other') as ModelInfo['kind'], path: store.dirOf(manifest.name), installed: false });
  }
  return out;
}
