import { StudioError } from '@synthetic-studio/shared';

/**
 * Reader for the header and line offset table of a single-part scanline OpenEXR file: enough to
 * check what a file says (our writer's tests, `doctor`-style inspection), not a pixel decoder.
 */
export interface ExrChannel {
  name: string;
  /** 0 UINT, 1 HALF, 2 FLOAT. */
  pixelType: number;
  pLinear: number;
  xSampling: number;
  ySampling: number;
}

export type ExrAttributeValue =
  | number
  | string
  | number[]
  | ExrChannel[]
  | { num: number; den: number }
  | { timeAndFlags: number; userData: number }
  | Uint8Array;

export interface ExrHeaderInfo {
  /** Version number (low 8 bits of the version field) and its flags (high 24 bits). */
  version: number;
  flags: number;
  attributes: Map<string, { type: string; value: ExrAttributeValue }>;
  /** Byte offset just past the header's terminating null byte (= start of the offset table). */
  headerEnd: number;
  /** Line offset table (one entry per scan line block), for scanline files. */
  offsets: number[];
  linesPerBlock: number;
}

const LINES_PER_BLOCK: Record<number, number> = { 0: 1, 1: 1, 2: 1, 3: 16, 4: 32, 5: 16, 6: 32, 7: 32 };

export function readExrHeader(bytes: Uint8Array): ExrHeaderInfo {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new StudioError('E_MEDIA_CORRUPT', `Not a readable OpenEXR file: ${why}.`);
  };
  if (bytes.length < 8 || dv.getInt32(0, true) !== 20000630) fail('bad magic number');
  const vf = dv.getUint32(4, true);
  let o = 8;
  const cstr = (): string => {
    const start = o;
    while (o < bytes.length && bytes[o] !== 0) o++;
    if (o >= bytes.length) fail('unterminated string in header');
    const s = new TextDecoder().decode(bytes.subarray(start, o));
    o++;
    return s;
  };
  const attributes: ExrHeaderInfo['attributes'] = new Map();
  for (;;) {
    if (o >= bytes.length) fail('header runs past the end');
    if (bytes[o] === 0) {
      o++;
      break;
    }
    const name = cstr();
    const type = cstr();
    if (o + 4 > bytes.length) fail('truncated attribute');
    const size = dv.getInt32(o, true);
    o += 4;
    if (size < 0 || o + size > bytes.length) fail(`attribute ${name} has a bad size`);
    attributes.set(name, { type, value: decodeValue(type, new DataView(bytes.buffer, bytes.byteOffset + o, size), bytes.subarray(o, o + size)) });
    o += size;
  }
  const headerEnd = o;
  const comp = attributes.get('compression')?.value;
  const dw = attributes.get('dataWindow')?.value;
  const offsets: number[] = [];
  let linesPerBlock = 1;
  if (typeof comp === 'number' && Array.isArray(dw) && (vf & 0x1a00) === 0) {
    linesPerBlock = LINES_PER_BLOCK[comp] ?? 1;
    const h = (dw[3] as number) - (dw[1] as number) + 1;
    const n = Math.ceil(h / linesPerBlock);
    if (headerEnd + 8 * n > bytes.length) fail('truncated line offset table');
    for (let i = 0; i < n; i++) offsets.push(dv.getUint32(headerEnd + 8 * i, true) + dv.getUint32(headerEnd + 8 * i + 4, true) * 0x100000000);
  }
  return { version: vf & 0xff, flags: vf >>> 8, attributes, headerEnd, offsets, linesPerBlock };
}

function decodeValue(type: string, d: DataView, raw: Uint8Array): ExrAttributeValue {
  const ints = (n: number) => Array.from({ length: n }, (_, i) => d.getInt32(i * 4, true));
  const floats = (n: number) => Array.from({ length: n }, (_, i) => d.getFloat32(i * 4, true));
  switch (type) {
    case 'int':
      return d.getInt32(0, true);
    case 'float':
      return d.getFloat32(0, true);
    case 'double':
      return d.getFloat64(0, true);
    case 'compression':
    case 'lineOrder':
    case 'envmap':
      return d.getUint8(0);
    case 'box2i':
      return ints(4);
    case 'v2i':
      return ints(2);
    case 'v2f':
      return floats(2);
    case 'box2f':
      return floats(4);
    case 'chromaticities':
      return floats(8);
    case 'rational':
      return { num: d.getInt32(0, true), den: d.getUint32(4, true) };
    case 'timecode':
      return { timeAndFlags: d.getUint32(0, true), userData: d.getUint32(4, true) };
    case 'string':
      return new TextDecoder().decode(raw);
    case 'chlist': {
      const out: ExrChannel[] = [];
      let o = 0;
      while (o < raw.length && raw[o] !== 0) {
        const start = o;
        while (o < raw.length && raw[o] !== 0) o++;
        const name = new TextDecoder().decode(raw.subarray(start, o));
        o++;
        out.push({ name, pixelType: d.getInt32(o, true), pLinear: d.getUint8(o + 4), xSampling: d.getInt32(o + 8, true), ySampling: d.getInt32(o + 12, true) });
        o += 16;
      }
      return out;
    }
    default:
      return raw.slice();
  }
}
