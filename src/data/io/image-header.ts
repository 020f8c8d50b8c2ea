/**
 * Reads the format, size and stored channel count from the first bytes of an image, without
 * decoding it. Used to pick the output channels (a grayscale JPEG stays gray) and to refuse absurd
 * sizes before the decoder allocates memory.
 */
import { isNetpbm } from './netpbm';

/** Image formats this library reads. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'bmp' | 'netpbm';

/** What the header says; `width`/`height` are 0 when the header is too short to say. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** The channels the file stores (gray 1, color 3, with alpha 4). */
  channels: 1 | 3 | 4;
}

const be16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le16 = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number): number => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const le32 = (b: Uint8Array, i: number): number =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, i: number, n: number): string => String.fromCharCode(...b.subarray(i, i + n));

/** Returns the header of a JPEG, PNG, WebP, GIF, BMP or Netpbm image, or undefined for other bytes. */
export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegHeader(b);
  if (b.length >= 8 && be32(b, 0) === 0x89504e47 && be32(b, 4) === 0x0d0a1a0a) return pngHeader(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webpHeader(b);
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) {
    return {
      format: 'gif',
      width: b.length >= 10 ? le16(b, 6) : 0,
      height: b.length >= 10 ? le16(b, 8) : 0,
      channels: 3,
    };
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) {
    const ok = b.length >= 26;
    const h = ok ? le32(b, 22) | 0 : 0;
    return { format: 'bmp', width: ok ? le32(b, 18) : 0, height: Math.abs(h), channels: 3 };
  }
  if (isNetpbm(b))
    return { format: 'netpbm', width: 0, height: 0, channels: b[1] === 0x33 || b[1] === 0x36 ? 3 : 1 };
  return undefined;
}

function jpegHeader(b: Uint8Array): ImageHeader {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) break;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const comps = b[i + 9];
      return { format: 'jpeg', height: be16(b, i + 5), width: be16(b, i + 7), channels: comps === 1 ? 1 : 3 };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    i += 2 + be16(b, i + 2);
  }
  return { format: 'jpeg', width: 0, height: 0, channels: 3 };
}

function pngHeader(b: Uint8Array): ImageHeader {
  if (b.length < 26 || ascii(b, 12, 4) !== 'IHDR') return { format: 'png', width: 0, height: 0, channels: 3 };
  const colorType = b[25];
  // tRNS makes gray/RGB/palette images carry alpha; look for it before the first IDAT.
  let hasTrns = false;
  for (let i = 8; i + 8 <= b.length;) {
    const len = be32(b, i);
    const type = ascii(b, i + 4, 4);
    if (type === 'tRNS') hasTrns = true;
    if (type === 'IDAT' || type === 'IEND' || len > b.length) break;
    i += 12 + len;
  }
  let channels: 1 | 3 | 4;
  if (colorType === 0) channels = hasTrns ? 4 : 1;
  else if (colorType === 4 || colorType === 6) channels = 4;
  else channels = hasTrns ? 4 : 3;
  return { format: 'png', width: be32(b, 16), height: be32(b, 20), channels };
}

function webpHeader(b: Uint8Array): ImageHeader {
  const chunk = b.length >= 16 ? ascii(b, 12, 4) : '';
  if (chunk === 'VP8X' && b.length >= 30) {
    const alpha = (b[20] & 0x10) !== 0;
    return { format: 'webp', width: le24(b, 24) + 1, height: le24(b, 27) + 1, channels: alpha ? 4 : 3 };
  }
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = le32(b, 21);
    const alpha = ((bits >>> 28) & 1) === 1;
    return {
      format: 'webp',
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      channels: alpha ? 4 : 3,
    };
  }
  if (chunk === 'VP8 ' && b.length >= 30) {
    return { format: 'webp', width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff, channels: 3 };
  }
  return { format: 'webp', width: 0, height: 0, channels: 3 };
}
