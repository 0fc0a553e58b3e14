/** Building feeds in the dtype a session declares, and reading float outputs back (fp16 aware). */
import { StudioError } from '@synthetic-studio/shared';
import { fromHalf, toHalf } from './half.js';
import type { TensorData, TensorInfo } from './types.js';

/** A float tensor in the input's declared dtype (float16 → half bit patterns). */
export function floatFeed(info: TensorInfo, data: Float32Array, dims: number[]): TensorData {
  if (info.type === 'float16') return { type: 'float16', dims, data: toHalf(data) };
  if (info.type === 'int64') return { type: 'int64', dims, data: BigInt64Array.from(data, (v) => BigInt(Math.trunc(v))) };
  if (info.type === 'int32') return { type: 'int32', dims, data: Int32Array.from(data, (v) => Math.trunc(v)) };
  return { type: 'float32', dims, data };
}

/** Integer ids in the input's declared dtype (int32 → Int32Array, int64 → BigInt64Array). */
export function idsFeed(info: TensorInfo, ids: number[], dims: number[]): TensorData {
  if (info.type === 'int32') return { type: 'int32', dims, data: Int32Array.from(ids) };
  return { type: 'int64', dims, data: BigInt64Array.from(ids, (v) => BigInt(v)) };
}

/** Read any float output as Float32Array. */
export function readFloat(t: TensorData | undefined, what: string): Float32Array {
  if (!t) throw new StudioError('E_MODEL_SIGNATURE', `model returned no '${what}' output`);
  if (t.type === 'float16') return fromHalf(t.data as Uint16Array);
  if (t.data instanceof Float32Array) return t.data;
  return Float32Array.from(t.data as ArrayLike<number>);
}
