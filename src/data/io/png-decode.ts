/**
 * A PNG decoder for non-interlaced images (all bit depths and colour types, palette and tRNS
 * transparency). Used instead of Skia so that RGBA pixels come back exactly (Skia's premultiplied
 * surface loses colour where alpha is small: ±4 levels at alpha 32, all of it at alpha 1) and the
 * image data is inflated once. Interlaced (Adam7) files are left to Skia. Colour-profile chunks are
 * ignored: values are as stored. Call after `imageIntegrityProblem` has accepted the bytes.
 */
import * as zlib from 'node:zlib';
import type { Raster } from '../../types';
import { PNG_SAMPLES, pngRowBytes } from './png-layout';

const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/**
 * Decodes a non-interlaced PNG into `channels` (the channels its header implies: gray 1, gray with
 * alpha or tRNS 4, RGB or palette 3, with alpha or tRNS 4). Returns undefined for interlaced files;
 * returns a string describing the problem for structurally valid files it cannot decode.
 */
export function decodePng(b: Uint8Array, channels: 1 | 3 | 4): Raster | string | undefined {
  const width = be32(b, 16);
  const height = be32(b, 20);
  const depth = b[24];
  const colorType = b[25];
  if (b[28] !== 0) return undefined; // interlaced
  let plte: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let i = 8; i + 12 <= b.length;) {
    const len = be32(b, i);
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    const body = b.subarray(i + 8, i + 8 + len);
    if (type === 'PLTE') plte = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    i += 12 + len;
  }
  const samples = PNG_SAMPLES[colorType];
  const bitsPerPixel = samples * depth;
  const rowBytes = pngRowBytes(width, colorType, depth);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: height * (rowBytes + 1) + 1 });
  } catch (e) {
    return `the image data does not inflate (${(e as Error).message})`;
  }
  if (raw.length !== height * (rowBytes + 1))
    return `expected ${height * (rowBytes + 1)} bytes of image data, got ${raw.length}`;
  if (colorType === 3 && !plte) return 'palette image without a PLTE chunk';

  // Undo the row filters in place (each row keeps its filter byte in front).
  const stride = rowBytes + 1;
  for (let y = 0; y < height; y++) {
    const o = y * stride + 1;
    const p = o - stride; // the row above (invalid for y = 0)
    const f = raw[o - 1];
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= bpp ? raw[o + x - bpp] : 0;
      const up = y > 0 ? raw[p + x] : 0;
      const c = y > 0 && x >= bpp ? raw[p + x - bpp] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = up;
      else if (f === 3) pred = (a + up) >> 1;
      else if (f === 4) {
        const pa = Math.abs(up - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + up - 2 * c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      } else if (f !== 0) return `row ${y} has filter type ${f}`;
      raw[o + x] = (raw[o + x] + pred) & 0xff;
    }
  }

  // Sample k of row y as a raw integer (0 .. 2^depth − 1).
  const sample = (o: number, k: number): number => {
    if (depth === 8) return raw[o + k];
    if (depth === 16) return (raw[o + 2 * k] << 8) | raw[o + 2 * k + 1];
    const bit = k * depth;
    return (raw[o + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  const max = (1 << depth) - 1;
  const to8 = (v: number): number =>
    depth === 8 ? v : depth === 16 ? Math.round(v / 257) : Math.round((v * 255) / max);
  const trnsGray = trns && colorType === 0 && trns.length >= 2 ? (trns[0] << 8) | trns[1] : -1;
  const trnsRgb =
    trns && colorType === 2 && trns.length >= 6
      ? [(trns[0] << 8) | trns[1], (trns[2] << 8) | trns[3], (trns[4] << 8) | trns[5]]
      : undefined;
  const out = new Uint8Array(width * height * channels);
  const px = [0, 0, 0, 255];
  for (let y = 0; y < height; y++) {
    const o = y * stride + 1;
    for (let x = 0; x < width; x++) {
      if (colorType === 0) {
        const v = sample(o, x);
        px[0] = px[1] = px[2] = to8(v);
        px[3] = v === trnsGray ? 0 : 255;
      } else if (colorType === 4) {
        px[0] = px[1] = px[2] = to8(sample(o, 2 * x));
        px[3] = to8(sample(o, 2 * x + 1));
      } else if (colorType === 2 || colorType === 6) {
        const r = sample(o, samples * x);
        const g = sample(o, samples * x + 1);
        const bl = sample(o, samples * x + 2);
        px[0] = to8(r);
        px[1] = to8(g);
        px[2] = to8(bl);
        px[3] =
          colorType === 6
            ? to8(sample(o, 4 * x + 3))
            : trnsRgb && r === trnsRgb[0] && g === trnsRgb[1] && bl === trnsRgb[2]
              ? 0
              : 255;
      } else {
        const k = sample(o, x);
        const pal = plte as Uint8Array;
        // an index past the palette shows black, as libpng's benign-error handling does
        const inside = 3 * k + 2 < pal.length;
        px[0] = inside ? pal[3 * k] : 0;
        px[1] = inside ? pal[3 * k + 1] : 0;
        px[2] = inside ? pal[3 * k + 2] : 0;
        px[3] = trns && k < trns.length ? trns[k] : 255;
      }
      const d = (y * width + x) * channels;
      if (channels === 1) out[d] = px[0];
      else {
        out[d] = px[0];
        out[d + 1] = px[1];
        out[d + 2] = px[2];
        if (channels === 4) out[d + 3] = px[3];
      }
    }
  }
  return { width, height, channels, data: out };
}
