/**
 * Netpbm images (PBM/PGM/PPM: P1–P6), parsed and written here because the canvas decoder does not
 * read them. Maxval other than 255 is rescaled to 8 bits; 16-bit samples are big-endian per the spec.
 */
import { FormatError } from '../../errors';
import type { Raster } from '../../types';
import { fileLabel } from './text';

/** Limits for {@link parseNetpbm}. */
export interface NetpbmLimits {
  /** Reject images with more pixels than this (guards against absurd headers). @default 2 ** 28 */
  maxPixels?: number;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** True when the bytes start like a Netpbm image (`P1`…`P6` then whitespace). */
export function isNetpbm(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x50 && b[1] >= 0x31 && b[1] <= 0x36 && isSpace(b[2]);
}

/** Parses a P1–P6 Netpbm image into a gray (P1, P2, P4, P5) or RGB (P3, P6) raster. */
export function parseNetpbm(b: Uint8Array, fn: string, file?: string, limits: NetpbmLimits = {}): Raster {
  const maxPixels = limits.maxPixels ?? 2 ** 28;
  const label = fileLabel(file);
  const fail = (what: string): never => {
    throw new FormatError(`${fn}: ${label}: ${what}`, { file });
  };
  if (!isNetpbm(b)) fail('expected a Netpbm magic number "P1".."P6", got other bytes');
  const kind = b[1] - 0x30;
  let pos = 2;

  // Header tokens: whitespace and `#` comments between them.
  const readInt = (what: string): number => {
    for (;;) {
      while (pos < b.length && isSpace(b[pos])) pos++;
      if (pos < b.length && b[pos] === 0x23) {
        while (pos < b.length && b[pos] !== 0x0a && b[pos] !== 0x0d) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    let v = 0;
    while (pos < b.length && b[pos] >= 0x30 && b[pos] <= 0x39 && pos - start < 9)
      v = v * 10 + (b[pos++] - 0x30);
    if (pos === start) {
      fail(
        `header: expected ${what} (a decimal integer), got ${pos >= b.length ? 'end of file' : `byte 0x${b[pos].toString(16)}`}`,
      );
    }
    return v;
  };
  const width = readInt('the width');
  const height = readInt('the height');
  const maxval = kind === 1 || kind === 4 ? 1 : readInt('the maximum value');
  if (width < 1 || height < 1) fail(`header: expected a positive width and height, got ${width}×${height}`);
  if (width * height > maxPixels) fail(`header: ${width}×${height} exceeds the limit of ${maxPixels} pixels`);
  if (maxval < 1 || maxval > 65535) fail(`header: expected a maximum value in 1..65535, got ${maxval}`);
  const channels: 1 | 3 = kind === 3 || kind === 6 ? 3 : 1;
  const count = width * height * channels;
  const data = new Uint8Array(count);
  const scale = (v: number): number => (maxval === 255 ? v : Math.round((v * 255) / maxval));

  if (kind >= 4) {
    // Binary: exactly one whitespace byte after the header.
    if (pos >= b.length || !isSpace(b[pos]))
      fail('header: expected one whitespace byte before the pixel data');
    pos++;
    if (kind === 4) {
      const rowBytes = Math.ceil(width / 8);
      const need = rowBytes * height;
      if (b.length - pos < need) fail(`truncated pixel data: expected ${need} bytes, got ${b.length - pos}`);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const bit = (b[pos + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
          data[y * width + x] = bit ? 0 : 255;
        }
      }
    } else {
      const bytes = maxval < 256 ? 1 : 2;
      const need = count * bytes;
      if (b.length - pos < need) fail(`truncated pixel data: expected ${need} bytes, got ${b.length - pos}`);
      for (let i = 0; i < count; i++) {
        const v = bytes === 1 ? b[pos + i] : (b[pos + 2 * i] << 8) | b[pos + 2 * i + 1];
        if (v > maxval) fail(`sample ${i}: expected a value ≤ ${maxval}, got ${v}`);
        data[i] = scale(v);
      }
    }
  } else {
    // ASCII: whitespace-separated decimal samples (P1 bits may also be run together).
    for (let i = 0; i < count; i++) {
      while (pos < b.length && (isSpace(b[pos]) || b[pos] === 0x23)) {
        if (b[pos] === 0x23) while (pos < b.length && b[pos] !== 0x0a && b[pos] !== 0x0d) pos++;
        else pos++;
      }
      if (pos >= b.length) fail(`truncated pixel data: expected ${count} samples, got ${i}`);
      if (kind === 1) {
        const c = b[pos++];
        if (c !== 0x30 && c !== 0x31) fail(`sample ${i}: expected "0" or "1", got byte 0x${c.toString(16)}`);
        data[i] = c === 0x31 ? 0 : 255;
        continue;
      }
      const start = pos;
      let v = 0;
      while (pos < b.length && b[pos] >= 0x30 && b[pos] <= 0x39 && pos - start < 6)
        v = v * 10 + (b[pos++] - 0x30);
      if (pos === start || (pos < b.length && !isSpace(b[pos]) && b[pos] !== 0x23)) {
        fail(`sample ${i}: expected a decimal integer, got byte 0x${b[pos].toString(16)}`);
      }
      if (v > maxval) fail(`sample ${i}: expected a value ≤ ${maxval}, got ${v}`);
      data[i] = scale(v);
    }
  }
  return { width, height, channels, data };
}

/** Encodes a gray raster as binary PGM (P5) or an RGB raster as binary PPM (P6), maxval 255. */
export function encodeNetpbm(r: Raster): Buffer {
  if (r.channels !== 1 && r.channels !== 3)
    throw new Error('encodeNetpbm: internal: expected 1 or 3 channels');
  const header = Buffer.from(`${r.channels === 1 ? 'P5' : 'P6'}\n${r.width} ${r.height}\n255\n`, 'latin1');
  return Buffer.concat([header, r.data]);
}
