/** scripts/train-pipeline.ts: the command line and the face crop of full photos (the training itself is the scripts' job). */
import * as assert from 'node:assert/strict';
import { cropFace, parseArgs } from '../scripts/train-pipeline';
import { ValueError } from '../src/errors';
import { shapeBox } from '../src/landmarks/box';
import type { Raster, Sample } from '../src/types';

/** A 1000 × 800 gray photo, black but for a white 9 × 9 square centred on (600, 400), with 68 points around it. */
function photoSample(): Sample {
  const image: Raster = { width: 1000, height: 800, channels: 1, data: new Uint8Array(1000 * 800) };
  for (let y = 396; y <= 404; y++) image.data.fill(255, y * 1000 + 596, y * 1000 + 605);
  const landmarks = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    const a = (2 * Math.PI * i) / 67;
    landmarks[2 * i] = i === 30 ? 600 : 600 + 100 * Math.cos(a);
    landmarks[2 * i + 1] = i === 30 ? 400 : 400 + 100 * Math.sin(a);
  }
  const box = shapeBox(landmarks);
  return {
    id: 'photo_1',
    source: '300w',
    image,
    landmarks,
    box,
    detection: { x: 480, y: 290, width: 240, height: 240 },
    meta: { imageFile: '/data/photo.jpg' },
  };
}

describe('scripts/train-pipeline', () => {
  it('cropFace: a square twice the landmarks box, at most 256 px, with the points moved onto the same pixels', () => {
    const s = photoSample();
    const c = cropFace(s);
    assert.deepEqual([c.image.width, c.image.height, c.image.channels], [256, 256, 1]);
    // the white square's centroid in the crop is where point 30 went
    let sx = 0;
    let sy = 0;
    let sw = 0;
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++) {
        const v = c.image.data[y * 256 + x];
        sx += v * x;
        sy += v * y;
        sw += v;
      }
    }
    assert.ok(Math.abs(sx / sw - c.landmarks[60]) < 0.3, `x ${sx / sw} vs ${c.landmarks[60]}`);
    assert.ok(Math.abs(sy / sw - c.landmarks[61]) < 0.3, `y ${sy / sw} vs ${c.landmarks[61]}`);
    // the box is the moved points' box, the detection scaled like it, and the photo file is gone from meta
    const b = shapeBox(c.landmarks);
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(c.box[k] - b[k]) < 1e-3);
    const k = 256 / (2 * Math.max(s.box.width, s.box.height));
    assert.ok(Math.abs((c.detection?.width ?? 0) - 240 * k) < 1e-3);
    assert.equal(c.meta?.imageFile, undefined);
    assert.equal(c.meta?.croppedFrom, '/data/photo.jpg');
    assert.equal(s.landmarks[60], 600, 'the input sample is left as it was');
  });

  it('cropFace: a small face is not upsampled beyond its own size', () => {
    const s = photoSample();
    const small = cropFace({
      ...s,
      landmarks: s.landmarks.map((v) => v),
      box: { ...s.box, width: 40, height: 30 },
    });
    assert.equal(small.image.width, 80);
  });

  it('cropFace: bad sizes and an empty box are ValueErrors', () => {
    const s = photoSample();
    assert.throws(
      () => cropFace(s, 0),
      (e: unknown) => e instanceof ValueError && /maxSize.*8\.\.1024, got 0/.test(e.message),
    );
    assert.throws(
      () => cropFace(s, 256, 0.5),
      /cropFace: argument 'scale' expected a number in \[1, 4\], got 0.5/,
    );
    assert.throws(
      () => cropFace({ ...s, box: { x: 1, y: 1, width: 0, height: 0 } }),
      /cropFace: sample 'photo_1' has an empty landmarks box/,
    );
  });

  it('parseArgs: defaults per data source, and bad options name the option', () => {
    const synth = parseArgs(['--data', 'synth']);
    assert.equal(synth.data, 'synth');
    assert.match(synth.out, /models[\\/]synth$/);
    assert.equal(parseArgs([]).data, '300w');
    assert.equal(parseArgs(['--out', 'x', '--epochs', '4']).epochs, 4);
    assert.throws(() => parseArgs(['--data', 'lfw']), /option '--data' expected one of 300w, synth, got lfw/);
    assert.throws(() => parseArgs(['--n', '-3']), /option '--n' expected a positive integer, got -3/);
    assert.throws(() => parseArgs(['--pose', 'sideways']), ValueError);
  });
});
