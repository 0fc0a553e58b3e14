/**
 * The one frame type every engine sees: interleaved float32 samples in [0, 1] (values outside are
 * allowed for HDR/log material), row-major, top-left origin. Colour is whatever the media layer
 * decoded (display-referred unless a linear-light conversion was applied explicitly).
 */
export interface FloatFrame {
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA, 1 = single channel (masks, luma). */
  channels: 1 | 3 | 4;
  data: Float32Array;
}

export function createFrame(width: number, height: number, channels: 1 | 3 | 4 = 3): FloatFrame {
  return { width, height, channels, data: new Float32Array(width * height * channels) };
}

export function cloneFrame(f: FloatFrame): FloatFrame {
  return { width: f.width, height: f.height, channels: f.channels, data: new Float32Array(f.data) };
}
