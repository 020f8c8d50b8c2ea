/**
 * MATLAB Level 5 MAT-files (the format of `save -v6` / `-v7`, and of scipy.io.savemat): a minimal
 * reader for numeric, logical and char matrices (compressed or not, either byte order) and a writer
 * for numeric matrices. Cells, structs, objects and sparse matrices are listed by name and class
 * but not read. v4 and v7.3 (HDF5) files are refused with a FormatError.
 *
 * Written here rather than taken from npm: the one v5 reader on npm (`mat-for-js`) is GPL-3.0
 * (this package is MIT), has a single release and pulls in pako where node:zlib suffices.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { FormatError, ShapeError, ValueError } from '../../errors';
import { assertFiniteArray, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { fileLabel } from './text';

/** MATLAB array classes. */
export type MatClass =
  | 'cell'
  | 'struct'
  | 'object'
  | 'char'
  | 'sparse'
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'logical';

/** One variable of a MAT-file. */
export interface MatArray {
  class: MatClass;
  /** Dimensions, e.g. [2, 68] for a 2×68 matrix. */
  dims: number[];
  /** Numeric and logical arrays: the values in MATLAB's column-major order. */
  data?: Float64Array;
  /** Complex arrays: the imaginary parts. */
  imag?: Float64Array;
  /** Char arrays: the text (column-major characters; a 1×N char array reads as its string). */
  text?: string;
}

/** Options of {@link parseMat} and {@link readMat}. */
export interface ParseMatOptions {
  /** File name for error messages. @default the path for readMat, '<input>' for parseMat */
  file?: string;
  /** Refuse compressed variables that inflate to more bytes than this. @default 2 ** 28 */
  maxBytes?: number;
}

/** A numeric matrix for {@link encodeMat}: column-major values and dimensions. */
export interface MatMatrixInput {
  /** @default [1, data.length] */
  dims?: number[];
  data: ArrayLike<number>;
  /** @default 'double' */
  class?: 'double' | 'single';
}

/** Options of {@link encodeMat} and {@link writeMat}. */
export interface EncodeMatOptions {
  /** Compress each variable (miCOMPRESSED, as `save -v7` does). @default false */
  compress?: boolean;
}

const CLASSES: (MatClass | undefined)[] = [
  undefined,
  'cell',
  'struct',
  'object',
  'char',
  'sparse',
  'double',
  'single',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
];

// Data types: byte size per element (0 = not a numeric type).
const MI_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 4,
  9: 8,
  12: 8,
  13: 8,
  16: 1,
  17: 2,
  18: 4,
};
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

/** Parses the bytes of a MAT-file (Level 5) into its variables, by name. */
export function parseMat(bytes: Uint8Array, opts: ParseMatOptions = {}): Record<string, MatArray> {
  return parseMatAs('parseMat', bytes, opts);
}

/** Reads a MAT-file (Level 5, as written by `save -v6`/`-v7` or scipy) into its variables, by name. */
export function readMat(path: string, opts: ParseMatOptions = {}): Record<string, MatArray> {
  if (typeof path !== 'string')
    throw new ValueError(`readMat: argument 'path' expected a string, got ${describe(path)}`);
  return parseMatAs('readMat', fs.readFileSync(path), { ...opts, file: opts.file ?? path });
}

/** Encodes numeric matrices as a Level 5 MAT-file (little-endian). */
export function encodeMat(vars: Record<string, MatMatrixInput>, opts: EncodeMatOptions = {}): Buffer {
  return encodeMatAs('encodeMat', vars, opts);
}

/** Writes numeric matrices as a Level 5 MAT-file, atomically. */
export function writeMat(
  path: string,
  vars: Record<string, MatMatrixInput>,
  opts: EncodeMatOptions = {},
): void {
  if (typeof path !== 'string')
    throw new ValueError(`writeMat: argument 'path' expected a string, got ${describe(path)}`);
  writeFileAtomic(path, encodeMatAs('writeMat', vars, opts));
}

/** Parser shared by the MAT readers; `fn` names the public function in messages. */
export function parseMatAs(fn: string, bytes: Uint8Array, opts: ParseMatOptions): Record<string, MatArray> {
  if (!(bytes instanceof Uint8Array))
    throw new ValueError(`${fn}: argument 'bytes' expected a Uint8Array, got ${describe(bytes)}`);
  const file = opts.file;
  const maxBytes = opts.maxBytes ?? 2 ** 28;
  const fail = (what: string): never => {
    throw new FormatError(`${fn}: ${fileLabel(file)}: ${what}`, { file });
  };
  if (bytes.length < 128) fail(`expected a 128-byte MAT-file header, got ${bytes.length} bytes`);
  const text = Buffer.from(bytes.subarray(0, 116)).toString('latin1');
  if (/^MATLAB 7\.3/.test(text)) fail('MATLAB v7.3 (HDF5) files are not supported; save with -v7 or -v6');
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') {
    fail(
      `expected a Level 5 MAT-file (endian indicator "IM" or "MI" at byte 126), got ${JSON.stringify(endian)} (a v4 file or not a MAT-file)`,
    );
  }
  const le = endian === 'IM';
  const out: Record<string, MatArray> = {};
  readElements(bytes, 128, bytes.length, true);
  return out;

  function readElements(buf: Uint8Array, start: number, end: number, top: boolean): void {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = start;
    while (pos + 8 <= end) {
      const { type, size, dataStart, next } = tagAt(dv, pos, end);
      if (type === MI_COMPRESSED) {
        if (!top) fail(`nested compressed data at byte ${pos}`);
        let inflated: Buffer;
        try {
          inflated = zlib.inflateSync(buf.subarray(dataStart, dataStart + size), {
            maxOutputLength: maxBytes,
          });
        } catch (e) {
          return fail(`compressed variable at byte ${pos} does not inflate (${(e as Error).message})`);
        }
        readElements(inflated, 0, inflated.length, false);
      } else if (type === MI_MATRIX) {
        if (size > 0) readMatrix(buf, dataStart, dataStart + size);
      } else if (top) {
        fail(`expected a matrix (type 14) or compressed data (type 15) at byte ${pos}, got type ${type}`);
      }
      pos = next;
    }
  }

  function tagAt(
    dv: DataView,
    pos: number,
    end: number,
  ): { type: number; size: number; dataStart: number; next: number } {
    if (pos + 8 > end) fail(`truncated data element at byte ${pos}`);
    const first = dv.getUint32(pos, le);
    const small = first >>> 16;
    if (small !== 0) {
      // Small data element: size in the upper 16 bits, type in the lower, data in the next 4 bytes.
      const type = first & 0xffff;
      if (small > 4) fail(`small data element at byte ${pos} says ${small} bytes (at most 4)`);
      return { type, size: small, dataStart: pos + 4, next: pos + 8 };
    }
    const type = first;
    const size = dv.getUint32(pos + 4, le);
    if (size > end - pos - 8)
      fail(`truncated data element at byte ${pos}: it says ${size} bytes, ${end - pos - 8} left`);
    const padded = type === MI_COMPRESSED ? size : Math.ceil(size / 8) * 8;
    return { type, size, dataStart: pos + 8, next: Math.min(end, pos + 8 + padded) };
  }

  function readNumbers(
    buf: Uint8Array,
    dv: DataView,
    type: number,
    start: number,
    size: number,
    what: string,
  ): Float64Array {
    const w = MI_SIZE[type];
    if (!w || type >= 16) fail(`${what}: expected a numeric data type, got type ${type}`);
    if (size % w !== 0) fail(`${what}: ${size} bytes is not a whole number of ${w}-byte values`);
    const n = size / w;
    const out = new Float64Array(n);
    for (let i = 0, p = start; i < n; i++, p += w) {
      switch (type) {
        case 1:
          out[i] = dv.getInt8(p);
          break;
        case 2:
          out[i] = buf[p];
          break;
        case 3:
          out[i] = dv.getInt16(p, le);
          break;
        case 4:
          out[i] = dv.getUint16(p, le);
          break;
        case 5:
          out[i] = dv.getInt32(p, le);
          break;
        case 6:
          out[i] = dv.getUint32(p, le);
          break;
        case 7:
          out[i] = dv.getFloat32(p, le);
          break;
        case 9:
          out[i] = dv.getFloat64(p, le);
          break;
        case 12:
          out[i] = Number(dv.getBigInt64(p, le));
          break;
        default:
          out[i] = Number(dv.getBigUint64(p, le));
      }
    }
    return out;
  }

  function readMatrix(buf: Uint8Array, start: number, end: number): void {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const at = `matrix at byte ${start - 8}`;
    const flagsTag = tagAt(dv, start, end);
    if (flagsTag.type !== 6 || flagsTag.size !== 8)
      fail(`${at}: expected array flags (2 × uint32), got type ${flagsTag.type} of ${flagsTag.size} bytes`);
    const flags = dv.getUint32(flagsTag.dataStart, le);
    const classId = flags & 0xff;
    const complex = (flags & 0x800) !== 0;
    const logical = (flags & 0x200) !== 0;
    const cls = CLASSES[classId];
    if (!cls) fail(`${at}: unknown array class ${classId}`);
    const dimsTag = tagAt(dv, flagsTag.next, end);
    if (dimsTag.type !== 5 || dimsTag.size % 4 !== 0 || dimsTag.size < 8) {
      fail(`${at}: expected dimensions (≥ 2 × int32), got type ${dimsTag.type} of ${dimsTag.size} bytes`);
    }
    const dims: number[] = [];
    for (let k = 0; k < dimsTag.size / 4; k++) {
      const d = dv.getInt32(dimsTag.dataStart + 4 * k, le);
      if (d < 0) fail(`${at}: negative dimension ${d}`);
      dims.push(d);
    }
    const nameTag = tagAt(dv, dimsTag.next, end);
    if (nameTag.type !== 1 && nameTag.type !== 2)
      fail(`${at}: expected the array name (int8), got type ${nameTag.type}`);
    const name = Buffer.from(buf.subarray(nameTag.dataStart, nameTag.dataStart + nameTag.size)).toString(
      'latin1',
    );
    const where = `variable '${name}'`;
    const count = dims.reduce((a, b) => a * b, 1);
    const arr: MatArray = { class: logical ? 'logical' : (cls as MatClass), dims };
    if (cls === 'char') {
      if (count > 0) {
        const t = tagAt(dv, nameTag.next, end);
        const units = t.type === 16 ? buf.subarray(t.dataStart, t.dataStart + t.size) : undefined;
        if (units) arr.text = Buffer.from(units).toString('utf8');
        else {
          const codes = readNumbers(
            buf,
            dv,
            t.type === 17 ? 4 : t.type === 18 ? 6 : t.type,
            t.dataStart,
            t.size,
            where,
          );
          if (codes.length !== count)
            fail(`${where}: expected ${count} characters (${dims.join('×')}), got ${codes.length}`);
          let chars = '';
          for (let i = 0; i < codes.length; i++) {
            const c = codes[i];
            chars += String.fromCodePoint(c >= 0 && c <= 0x10ffff && Number.isInteger(c) ? c : 0xfffd);
          }
          arr.text = chars;
        }
      } else arr.text = '';
    } else if (classId >= 6) {
      const re = tagAt(dv, nameTag.next, end);
      arr.data = readNumbers(buf, dv, re.type, re.dataStart, re.size, where);
      if (arr.data.length !== count)
        fail(`${where}: expected ${count} values (${dims.join('×')}), got ${arr.data.length}`);
      if (complex) {
        const im = tagAt(dv, re.next, end);
        arr.imag = readNumbers(buf, dv, im.type, im.dataStart, im.size, `${where} (imaginary part)`);
        if (arr.imag.length !== count)
          fail(`${where}: expected ${count} imaginary values, got ${arr.imag.length}`);
      }
    }
    out[name] = arr;
  }
}

function encodeMatAs(fn: string, vars: Record<string, MatMatrixInput>, opts: EncodeMatOptions): Buffer {
  if (vars === null || typeof vars !== 'object')
    throw new ValueError(`${fn}: argument 'vars' expected an object of matrices, got ${describe(vars)}`);
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by exemplar-landmarks', 0, 'latin1');
  header.fill(0, 116, 124); // no subsystem data
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const parts: Buffer[] = [header];
  for (const [name, v] of Object.entries(vars)) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) {
      throw new ValueError(
        `${fn}: argument 'vars' expected MATLAB variable names, got ${JSON.stringify(name)}`,
      );
    }
    const data =
      ArrayBuffer.isView(v?.data) && !(v.data instanceof Float32Array) ? Array.from(v.data) : v?.data;
    assertFiniteArray(fn, `vars.${name}.data`, data);
    const dims = v.dims ?? [1, data.length];
    if (!Array.isArray(dims) || dims.length < 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(
        `${fn}: argument 'vars.${name}.dims' expected ≥ 2 non-negative integers, got ${describe(dims)}`,
      );
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new ShapeError(
        `${fn}: argument 'vars.${name}.data' expected ${count} values (${dims.join('×')}), got length ${data.length}`,
      );
    }
    const single = (v.class ?? 'double') === 'single';
    if (v.class !== undefined && v.class !== 'double' && v.class !== 'single') {
      throw new ValueError(
        `${fn}: argument 'vars.${name}.class' expected "double" or "single", got ${describe(v.class)}`,
      );
    }
    const values = Buffer.alloc(count * (single ? 4 : 8));
    for (let i = 0; i < count; i++) {
      if (single) values.writeFloatLE(data[i], 4 * i);
      else values.writeDoubleLE(data[i], 8 * i);
    }
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(single ? 7 : 6, 0);
    const dimBytes = Buffer.alloc(4 * dims.length);
    dims.forEach((d, k) => dimBytes.writeInt32LE(d, 4 * k));
    const body = Buffer.concat([
      element(6, flags),
      element(5, dimBytes),
      element(1, Buffer.from(name, 'latin1')),
      element(single ? 7 : 9, values),
    ]);
    const matrix = Buffer.concat([tag(MI_MATRIX, body.length), body]);
    if (opts.compress) {
      const z = zlib.deflateSync(matrix);
      parts.push(tag(MI_COMPRESSED, z.length), z);
    } else parts.push(matrix);
  }
  return Buffer.concat(parts);
}

function tag(type: number, size: number): Buffer {
  const t = Buffer.alloc(8);
  t.writeUInt32LE(type, 0);
  t.writeUInt32LE(size, 4);
  return t;
}

/** A data element with its tag, padded to 8 bytes (small-element form for ≤ 4 bytes). */
function element(type: number, data: Buffer): Buffer {
  if (data.length <= 4) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(((data.length << 16) | type) >>> 0, 0);
    data.copy(b, 4);
    return b;
  }
  const pad = (8 - (data.length % 8)) % 8;
  return Buffer.concat([tag(type, data.length), data, Buffer.alloc(pad)]);
}
