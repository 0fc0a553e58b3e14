import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodePng } from '../../src/media/png-codec.js';

// Adam7 PNGs (what many paint tools save by default) decode to the same samples as plain ones.

function pattern(width: number, height: number, channels: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s >>> 16) & 255;
  }
  return out;
}

for (const [width, height] of [[1, 1], [7, 5], [33, 17], [64, 36]] as const) {
  for (const channels of [1, 3, 4] as const) {
    test(`Adam7 ${width}x${height}x${channels} 8-bit equals the raw pixels`, async () => {
      const px = pattern(width, height, channels, width * 31 + channels);
      const img = sharp(Buffer.from(px), { raw: { width, height, channels } });
      const png = await (channels === 1 ? img.toColourspace('b-w') : img).png({ progressive: true, compressionLevel: 6 }).toBuffer();
      assert.equal(png[8 + 8 + 12], 1, 'sharp wrote an interlaced PNG');
      const d = decodePng(png);
      assert.equal(d.width, width);
      assert.equal(d.height, height);
      assert.deepEqual(Buffer.from(d.samples as Uint8Array), Buffer.from(px));
    });
  }
}

test('Adam7 16-bit grey decodes like the same image saved plain', async () => {
  const width = 19, height = 11;
  const px = new Uint16Array(width * height);
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 16;
  const img = () => sharp(Buffer.from(px.buffer), { raw: { width, height, channels: 1 } }).toColourspace('grey16');
  const plain = decodePng(await img().png({ progressive: false }).toBuffer());
  const png = await img().png({ progressive: true }).toBuffer();
  assert.equal(png[8 + 8 + 12], 1);
  const d = decodePng(png);
  assert.equal(d.bitDepth, 16);
  assert.equal(plain.bitDepth, 16);
  assert.deepEqual(Array.from(d.samples), Array.from(plain.samples));
  assert.ok(new Set(d.samples).size > 50, 'the test image has many distinct 16-bit values');
});

test('Adam7 palette PNG keeps its indices (instance ids)', async () => {
  const width = 21, height = 13;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const id = x < 7 ? 0 : y < 6 ? 1 : 2;
    rgb.set(id === 0 ? [0, 0, 0] : id === 1 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png({ palette: true, progressive: true, colours: 4, dither: 0 }).toBuffer();
  const d = decodePng(png);
  assert.equal(d.colorType, 3);
  assert.equal(png[8 + 8 + 12], 1);
  const idx = d.samples as Uint8Array;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = idx[y * width + x];
    const c = Array.from(d.palette!.subarray(i * 3, i * 3 + 3));
    assert.deepEqual(c, Array.from(rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)), `pixel ${x},${y}`);
  }
});
