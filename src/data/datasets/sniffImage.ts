/** Reads the start of an image file and returns what its header says (format, size), without decoding. */
import * as fs from 'node:fs';
import { type ImageHeader, readImageHeader } from '../io';

const HEAD_BYTES = 65536;

/** The header of an image file, or undefined when the bytes are not a known image format (or the file is empty). */
export function sniffImage(file: string): ImageHeader | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    return readImageHeader(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}
