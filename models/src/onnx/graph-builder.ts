/**
 * A small imperative builder for ONNX graphs (opset 17, IR 8): declare inputs/outputs, add
 * initializers from typed arrays, append nodes in topological order, then `toBytes()`.
 * Optionally moves large initializers into an external data file (diffusers' `weights.pb`,
 * Optimum's `model.onnx_data`) exactly as real exports do.
 */
import { AttrType, DataTypeName, dataTypeOf, encodeModel } from './proto.js';

export type Dim = number | string;
export type AttrValue = number | string | number[] | { floats: number[] } | { int: number } | { float: number };
type InitData = Float32Array | Int32Array | BigInt64Array | Uint16Array;

interface ValueInfo { name: string; type: DataTypeName; dims: Dim[] }
interface Initializer { name: string; type: DataTypeName; dims: number[]; data: InitData }

export interface SerializedModel {
  model: Uint8Array;
  /** Present when external data was requested: write next to the model under `location`. */
  external?: { location: string; data: Uint8Array };
}

export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly inits: Initializer[] = [];
  private readonly nodes: Record<string, unknown>[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  input(name: string, type: DataTypeName, dims: Dim[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  output(name: string, type: DataTypeName, dims: Dim[]): void {
    this.outputs.push({ name, type, dims });
  }

  init(prefix: string, dims: number[], data: InitData): string {
    const name = `${prefix}_${this.counter++}`;
    const type: DataTypeName = data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : data instanceof BigInt64Array ? 'int64' : 'float16';
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    this.inits.push({ name, type, dims, data });
    return name;
  }

  f32(prefix: string, dims: number[], values: ArrayLike<number>): string {
    return this.init(prefix, dims, Float32Array.from(values));
  }

  i64(prefix: string, values: number[]): string {
    return this.init(prefix, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Append a node; returns its first output name (auto-named unless `outputs` is given). */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [`${opType.toLowerCase()}_${this.counter++}`];
    const attribute = Object.entries(attrs).map(([name, v]) => encodeAttr(name, v));
    this.nodes.push({ opType, input: inputs, output: outs, name: `${opType}_${this.counter++}`, attribute });
    return outs[0];
  }

  /** Serialize. `externalLocation` moves initializers of ≥ `externalMinBytes` into one data file. */
  toBytes(opts: { externalLocation?: string; externalMinBytes?: number; metadata?: Record<string, string> } = {}): SerializedModel {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const initializer = this.inits.map((t) => {
      const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      const base = { name: t.name, dims: t.dims, dataType: dataTypeOf[t.type] };
      if (opts.externalLocation && raw.byteLength >= (opts.externalMinBytes ?? 1024)) {
        const pad = (64 - (offset % 64)) % 64; // ORT memory-maps; keep offsets aligned
        if (pad) { chunks.push(new Uint8Array(pad)); offset += pad; }
        chunks.push(Uint8Array.from(raw));
        const entry = { ...base, dataLocation: 1, externalData: [
          { key: 'location', value: opts.externalLocation },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(raw.byteLength) },
        ] };
        offset += raw.byteLength;
        return entry;
      }
      return { ...base, rawData: Buffer.from(raw) };
    });
    const vi = (v: ValueInfo) => ({
      name: v.name,
      type: { tensorType: { elemType: dataTypeOf[v.type], shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
    const model = {
      irVersion: 8,
      producerName: 'synthetic-studio-fixtures',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: 17 }],
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: this.name, node: this.nodes, initializer, input: this.inputs.map(vi), output: this.outputs.map(vi) },
    };
    const out: SerializedModel = { model: encodeModel(model) };
    if (opts.externalLocation && chunks.length) out.external = { location: opts.externalLocation, data: Buffer.concat(chunks) };
    return out;
  }
}

function encodeAttr(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: Buffer.from(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  if ('int' in v) return { name, type: AttrType.INT, i: v.int };
  return { name, type: AttrType.FLOAT, f: v.float };
}
