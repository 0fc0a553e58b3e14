import type { FloatFrame } from '@synthetic-studio/shared';
import { StudioError } from '@synthetic-studio/shared';
import { existsSync } from 'node:fs';
import { resizeFrame } from './resample.js';

/** MediaPipe selfie segmentation (landscape): NHWC [1,144,256,3] RGB 0..1 → [1,144,256,1]. */
export const SELFIE_INPUT = 'input_1:0';
export const SELFIE_OUTPUT = 'segment_back';
export const SELFIE_WIDTH = 256;
export const SELFIE_HEIGHT = 144;

type OrtModule = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

/**
 * Automatic subject matte from the MediaPipe selfie-segmentation model via onnxruntime-node.
 * Despite its output name the model gives the person probability (checked on real footage).
 * Input frames are display-referred RGB (what the model was trained on), any size; the matte
 * comes back at the frame's size, 0..1.
 */
export class SubjectSegmenter {
  private constructor(private readonly ort: OrtModule, private readonly session: Session) {}

  static async load(modelPath: string): Promise<SubjectSegmenter> {
    if (!existsSync(modelPath)) throw new StudioError('E_MODEL_MISSING', `segmentation model not found: ${modelPath}`, { path: modelPath });
    const ort = await import('onnxruntime-node');
    let session: Session;
    try {
      session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (e) {
      throw new StudioError('E_MODEL_CORRUPT', `cannot load segmentation model ${modelPath}: ${(e as Error).message}`, { path: modelPath });
    }
    if (!session.inputNames.includes(SELFIE_INPUT) || !session.outputNames.includes(SELFIE_OUTPUT)) {
      await session.release();
      throw new StudioError('E_MODEL_SIGNATURE', `segmentation model needs input ${SELFIE_INPUT} and output ${SELFIE_OUTPUT}; it has ${session.inputNames.join(',')} → ${session.outputNames.join(',')}`, { path: modelPath });
    }
    return new SubjectSegmenter(ort, session);
  }

  /** Subject probability per pixel of `frame` (length width·height). */
  async matte(frame: FloatFrame): Promise<Float32Array> {
    const rgb = frame.channels === 3 ? frame : toRgb(frame);
    const small = resizeFrame(rgb, SELFIE_WIDTH, SELFIE_HEIGHT);
    const input = new Float32Array(small.data.length);
    for (let i = 0; i < input.length; i++) input[i] = Math.min(1, Math.max(0, small.data[i]));
    const out = await this.session.run({ [SELFIE_INPUT]: new this.ort.Tensor('float32', input, [1, SELFIE_HEIGHT, SELFIE_WIDTH, 3]) });
    const prob = out[SELFIE_OUTPUT].data as Float32Array;
    const up = resizeFrame({ width: SELFIE_WIDTH, height: SELFIE_HEIGHT, channels: 1, data: Float32Array.from(prob) }, frame.width, frame.height);
    return up.data;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function toRgb(f: FloatFrame): FloatFrame {
  const n = f.width * f.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = f.channels === 1 ? f.data[i] : f.data[i * f.channels + c];
  }
  return { width: f.width, height: f.height, channels: 3, data: out };
}
