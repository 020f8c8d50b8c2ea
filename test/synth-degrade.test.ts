/** Image degradations of the synthetic faces. */
import * as assert from 'node:assert/strict';
import { decodeImage, encodeImage } from '../src/data/io/image';
import { gaussianBlur, jpegArtefacts, lowResolution, motionBlur } from '../src/data/synth/degrade';
import { faces } from '../src/data/synth';

const meanAbs = (a: Uint8Array, b: Uint8Array): number =>
  a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('synth degradations', () => {
  const img = faces({
    n: 1,
    seed: 3,
    size: 64,
    channels: 3,
    jpeg: 0,
    noise: 0,
    blur: 0,
    lowRes: 0,
    motionBlur: 0,
  }).at(0).image;

  it('jpegArtefacts reproduces a real JPEG codec round trip closely', () => {
    for (const q of [15, 40]) {
      const codec = decodeImage(encodeImage(img, 'jpeg', q), { channels: 3 }).data;
      const ours = img.data.slice();
      jpegArtefacts(ours, 64, 64, 3, q);
      const toCodec = meanAbs(ours, codec);
      const original = meanAbs(img.data, codec);
      assert.ok(
        toCodec < 0.6 * original,
        `q ${q}: ours↔codec ${toCodec.toFixed(2)}, original↔codec ${original.toFixed(2)}`,
      );
    }
    const gray = Uint8Array.from({ length: 64 * 64 }, (_, i) => img.data[3 * i + 1]);
    const g = gray.slice();
    jpegArtefacts(g, 64, 64, 1, 10);
    assert.ok(meanAbs(g, gray) > 1, 'quality 10 changes a gray image');
  });

  it('blurs keep a flat image flat and smooth an edge', () => {
    const flat = new Uint8Array(32 * 32).fill(77);
    gaussianBlur(flat, 32, 32, 1, 2);
    motionBlur(flat, 32, 32, 1, 7, 0.4);
    lowResolution(flat, 32, 32, 1, 3);
    assert.ok(flat.every((v) => v === 77));
    const edge = Uint8Array.from({ length: 32 * 32 }, (_, i) => (i % 32 < 16 ? 0 : 255));
    gaussianBlur(edge, 32, 32, 1, 1.5);
    assert.ok(edge[16] > 60 && edge[16] < 200 && edge[0] === 0 && edge[31] === 255);
  });
});
