/**
 * Expected input/output signatures of the exported sub-models (docs/diffusion.md §1.3–1.5) and a
 * validator that names every mismatch precisely (which file, which tensor, what was expected,
 * what was found).
 */
import type { TensorInfo } from './runtime/types.js';

export type Component = 'text_encoder' | 'unet' | 'vae_encoder' | 'vae_decoder';

interface TensorRule {
  names: string[];
  types: string[];
  ranks: number[];
  optional?: boolean;
  /** Static dims that must match when the model declares them as numbers. */
  dims?: Record<number, number[]>;
}

const FLOAT = ['float32', 'float16'];

export const SIGNATURES: Record<Component, { inputs: TensorRule[]; outputs: TensorRule[] }> = {
  text_encoder: {
    inputs: [{ names: ['input_ids'], types: ['int32', 'int64'], ranks: [2] }],
    outputs: [{ names: ['last_hidden_state'], types: FLOAT, ranks: [3] }],
  },
  unet: {
    inputs: [
      { names: ['sample'], types: FLOAT, ranks: [4], dims: { 1: [4, 8, 9, 12] } },
      { names: ['timestep'], types: [...FLOAT, 'int64'], ranks: [0, 1] },
      { names: ['encoder_hidden_states'], types: FLOAT, ranks: [3] },
      { names: ['timestep_cond'], types: FLOAT, ranks: [2], optional: true },
    ],
    outputs: [{ names: ['out_sample'], types: FLOAT, ranks: [4], dims: { 1: [4] } }],
  },
  vae_encoder: {
    inputs: [{ names: ['sample'], types: FLOAT, ranks: [4], dims: { 1: [3] } }],
    outputs: [{ names: ['latent_sample', 'latent_parameters'], types: FLOAT, ranks: [4], dims: { 1: [4, 8] } }],
  },
  vae_decoder: {
    inputs: [{ names: ['latent_sample'], types: FLOAT, ranks: [4], dims: { 1: [4] } }],
    outputs: [{ names: ['sample'], types: FLOAT, ranks: [4], dims: { 1: [3] } }],
  },
};

/** Every mismatch between a session's tensors and the component's expected signature (empty = ok). */
export function signatureProblems(component: Component, inputs: TensorInfo[], outputs: TensorInfo[]): string[] {
  const problems: string[] = [];
  const spec = SIGNATURES[component];
  const check = (kind: 'input' | 'output', rules: TensorRule[], have: TensorInfo[]) => {
    const used = new Set<string>();
    for (const r of rules) {
      const t = have.find((h) => r.names.includes(h.name));
      if (!t) {
        if (!r.optional) problems.push(`${component}: missing ${kind} '${r.names.join("' or '")}' (model has ${kind}s: ${have.map((h) => `'${h.name}'`).join(', ') || 'none'})`);
        continue;
      }
      used.add(t.name);
      if (t.type !== 'unknown' && !r.types.includes(t.type)) problems.push(`${component}: ${kind} '${t.name}' has dtype ${t.type}, expected ${r.types.join(' or ')}`);
      if (!r.ranks.includes(t.shape.length)) problems.push(`${component}: ${kind} '${t.name}' has rank ${t.shape.length} [${t.shape.join(', ')}], expected rank ${r.ranks.join(' or ')}`);
      for (const [axis, allowed] of Object.entries(r.dims ?? {})) {
        const d = t.shape[Number(axis)];
        if (typeof d === 'number' && !allowed.includes(d)) problems.push(`${component}: ${kind} '${t.name}' dim ${axis} is ${d}, expected ${allowed.join(' or ')}`);
      }
    }
    if (kind === 'input') {
      for (const h of have) if (!used.has(h.name)) problems.push(`${component}: unexpected input '${h.name}' (${h.type} [${h.shape.join(', ')}]); this export needs inputs the pipeline cannot provide`);
    }
  };
  check('input', spec.inputs, inputs);
  check('output', spec.outputs, outputs);
  return problems;
}
