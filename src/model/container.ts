/**
 * The binary container of saved models and checkpoints (one file, so that one rename makes a save atomic):
 *
 *   bytes 0-7    magic "XLMODEL1"
 *   bytes 8-11   header length H (uint32 little-endian)
 *   12 .. 12+H   header, UTF-8 JSON: { kind, version, arrays: [{ name, dtype, shape, offset, length }], … }
 *   padding to a multiple of 4, then the arrays' raw little-endian bytes (offsets relative to the data start)
 *   last 4       CRC-32 of every byte before it
 *
 * Writes go to a temporary file beside the target, are fsynced, then renamed over the target: a reader sees the
 * old file or the complete new one. A crash before the rename leaves the old file untouched (and a stray `.tmp`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { FormatError } from '../errors';

const MAGIC = Buffer.from('XLMODEL1', 'latin1');

/** A typed array stored in a container. */
export type StoredArray = Float32Array | Int32Array | Uint8Array;

/** Header fields common to every container; `kind` says what it holds. */
export interface ContainerHeader {
  kind: string;
  version: number;
  [key: string]: unknown;
}

interface ArrayEntry {
  name: string;
  dtype: 'float32' | 'int32' | 'uint8';
  offset: number;
  length: number;
}

/** Test hook: called after the temporary file is complete and before the rename (simulates a crash when it throws). */
export interface WriteHooks {
  beforeRename?: (tmpFile: string) => void;
}

let counter = 0;

function dtypeOf(a: StoredArray): ArrayEntry['dtype'] {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** Writes `header` and `arrays` to `file` atomically (see the module comment). */
export function writeContainer(
  file: string,
  header: ContainerHeader,
  arrays: Record<string, StoredArray>,
  hooks: WriteHooks = {},
): void {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries.push({ name, dtype: dtypeOf(a), offset, length: a.length });
    offset += Math.ceil(a.byteLength / 4) * 4;
  }
  const head = Buffer.from(JSON.stringify({ ...header, arrays: entries }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  const pad = Buffer.alloc((4 - ((12 + head.length) % 4)) % 4);
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  let crc = 0;
  const put = (b: Uint8Array) => {
    let o = 0;
    while (o < b.length) o += fs.writeSync(fd, b, o, b.length - o);
    crc = zlib.crc32(b, crc);
  };
  try {
    put(MAGIC);
    put(len);
    put(head);
    put(pad);
    for (const a of Object.values(arrays)) {
      put(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      const extra = Math.ceil(a.byteLength / 4) * 4 - a.byteLength;
      if (extra > 0) put(new Uint8Array(extra));
    }
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(crc >>> 0);
    fs.writeSync(fd, tail);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  hooks.beforeRename?.(tmp);
  fs.renameSync(tmp, file);
}

/**
 * Reads a container, checking magic, lengths, the CRC and (when given) the kind. Throws FormatError naming the file.
 * `views`: the arrays view the file's bytes in place instead of being copied (half the peak memory for a large
 * model; any one kept array then keeps the whole file's buffer alive, so callers copy what they keep).
 */
export function readContainer(
  fn: string,
  file: string,
  kind?: string,
  opts: { views?: boolean } = {},
): { header: ContainerHeader; arrays: Record<string, StoredArray> } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new FormatError(`${fn}: cannot read ${file}: ${(e as Error).message}`, { file });
  }
  if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) {
    throw new FormatError(
      `${fn}: ${file}: expected an exemplar-landmarks model file (magic "XLMODEL1"), got other bytes`,
      {
        file,
      },
    );
  }
  const stored = buf.readUInt32LE(buf.length - 4);
  const actual = zlib.crc32(buf.subarray(0, buf.length - 4)) >>> 0;
  if (stored !== actual) {
    throw new FormatError(
      `${fn}: ${file}: corrupt or truncated (CRC-32 mismatch: stored ${stored}, computed ${actual})`,
      {
        file,
      },
    );
  }
  const H = buf.readUInt32LE(8);
  let header: ContainerHeader & { arrays: ArrayEntry[] };
  try {
    header = JSON.parse(buf.subarray(12, 12 + H).toString('utf8')) as ContainerHeader & {
      arrays: ArrayEntry[];
    };
  } catch (e) {
    throw new FormatError(`${fn}: ${file}: header is not JSON: ${(e as Error).message}`, { file });
  }
  if (kind !== undefined && header.kind !== kind) {
    throw new FormatError(`${fn}: ${file}: expected a file of kind "${kind}", got "${String(header.kind)}"`, {
      file,
    });
  }
  const dataStart = 12 + H + ((4 - ((12 + H) % 4)) % 4);
  const arrays: Record<string, StoredArray> = {};
  for (const e of header.arrays ?? []) {
    const bytesPer = e.dtype === 'uint8' ? 1 : 4;
    const start = dataStart + e.offset;
    const end = start + e.length * bytesPer;
    if (end > buf.length - 4) {
      throw new FormatError(`${fn}: ${file}: array "${e.name}" runs past the end of the file`, { file });
    }
    const at = buf.byteOffset + start;
    // a view needs 4-byte alignment (small files may come from Node's shared buffer pool at any offset)
    const view = opts.views === true && at % 4 === 0;
    const bytes = view
      ? new Uint8Array(buf.buffer, at, end - start)
      : new Uint8Array(buf.buffer.slice(at, buf.byteOffset + end));
    const n = e.length;
    arrays[e.name] =
      e.dtype === 'float32'
        ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
        : e.dtype === 'int32'
          ? new Int32Array(bytes.buffer, bytes.byteOffset, n)
          : bytes;
  }
  const { arrays: _drop, ...rest } = header;
  return { header: rest as ContainerHeader, arrays };
}
