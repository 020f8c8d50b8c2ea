/**
 * A minimal PNG encoder (8-bit gray, RGB or RGBA; no interlace). Written here because the canvas
 * encoder always stores RGBA: this keeps a gray raster gray and an RGB raster RGB, so that PNG
 * round-trips are exact and keep their channel count.
 */
import * as zlib from 'node:zlib';
import type { Raster } from '../../types';
import { crc32 } from './crc32';

/** One PNG chunk: length, type, data and CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes a raster as PNG (color type 0, 2 or 6 for 1, 3 or 4 channels), filter "Up" on every row. */
export function encodePng(r: Raster): Buffer {
  const { width, height, channels, data } = r;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    const s = y * stride;
    if (y === 0) {
      raw[o] = 0;
      raw.set(data.subarray(s, s + stride), o + 1);
    } else {
      raw[o] = 2; // Up: byte minus the byte above
      for (let x = 0; x < stride; x++) raw[o + 1 + x] = (data[s + x] - data[s - stride + x]) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw, { level: 6 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
