/**
 * Class tables as files. Layout (little-endian):
 *   bytes 0..7   magic "XLCLSTAB"
 *   bytes 8..11  uint32 H, the byte length of the header
 *   12..12+H     JSON header { kind, version, method, K, nPoints, scheme, payloadBytes, checksum, sections },
 *                space-padded so that the payload starts at a multiple of 8
 *   payload      centers (f32 K·2N), sigma (f32 K), pose (f32 3K), visibility (f32 K·N),
 *                memberOffsets (i32 K+1), memberIds (UTF-8 JSON array of strings)
 * `sections` maps each name to [byte offset in the payload, byte length]; `checksum` is a 32-bit FNV-1a
 * hash of the payload in 4-byte words, as 8 hex digits. Saving is atomic (temp file + rename).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { writeFileAtomic } from '../data/io/atomic';
import { EnvironmentError, ExemplarError, FormatError } from '../errors';
import { describe } from '../util/validate';
import { CLASS_TABLE_KIND, classTableValidate } from './classTableValidate';
import type { ClassTable } from './types';

const MAGIC = 'XLCLSTAB';
/** The `.xlct` format version this code writes and reads. */
export const CLASS_TABLE_FILE_VERSION = 1;
const SECTIONS = ['centers', 'sigma', 'pose', 'visibility', 'memberOffsets', 'memberIds'] as const;
type SectionName = (typeof SECTIONS)[number];

interface Header {
  kind: string;
  version: number;
  method: ClassTable['method'];
  K: number;
  nPoints: number;
  scheme: string;
  payloadBytes: number;
  checksum: string;
  sections: Record<SectionName, [number, number]>;
}

function assertLittleEndian(fn: string): void {
  if (os.endianness() !== 'LE')
    throw new EnvironmentError(`${fn}: class table files need a little-endian machine`);
}

/** FNV-1a over 4-byte words (then the trailing bytes), as 8 hex digits. */
function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  const words = bytes.byteLength >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(4 * i, true), 16777619);
  for (let i = words * 4; i < bytes.byteLength; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Writes the table to `file` atomically (validating it first).
 * @example classTableSave(table, 'out/classes.xlct')
 */
export function classTableSave(table: ClassTable, file: string): void {
  const fn = 'classTableSave';
  assertLittleEndian(fn);
  if (typeof file !== 'string' || file === '') {
    throw new FormatError(`${fn}: argument 'file' expected a path, got ${describe(file)}`);
  }
  classTableValidate(table);
  const parts: Record<SectionName, Uint8Array> = {
    centers: bytesOf(table.centers),
    sigma: bytesOf(table.sigma),
    pose: bytesOf(table.pose),
    visibility: bytesOf(table.visibility),
    memberOffsets: bytesOf(table.memberOffsets),
    memberIds: new TextEncoder().encode(JSON.stringify(table.memberIds)),
  };
  const sections = {} as Record<SectionName, [number, number]>;
  let off = 0;
  for (const s of SECTIONS) {
    sections[s] = [off, parts[s].byteLength];
    off = pad8(off + parts[s].byteLength);
  }
  const payload = new Uint8Array(off);
  for (const s of SECTIONS) payload.set(parts[s], sections[s][0]);
  const header: Header = {
    kind: CLASS_TABLE_KIND,
    version: CLASS_TABLE_FILE_VERSION,
    method: table.method,
    K: table.K,
    nPoints: table.nPoints,
    scheme: table.scheme,
    payloadBytes: payload.byteLength,
    checksum: checksum(payload),
    sections,
  };
  let json = JSON.stringify(header);
  const jsonBytes = new TextEncoder().encode(json).byteLength;
  json += ' '.repeat(pad8(12 + jsonBytes) - 12 - jsonBytes);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(12 + head.byteLength + payload.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.byteLength, true);
  out.set(head, 12);
  out.set(payload, 12 + head.byteLength);
  writeFileAtomic(file, out);
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Reads a table written by classTableSave. FormatError (with `file`) for: not a class table file (magic),
 * a truncated file, a corrupt header or payload (checksum), another kind or version, or inconsistent
 * contents.
 * @example const table = classTableLoad('out/classes.xlct')
 */
export function classTableLoad(file: string): ClassTable {
  const fn = 'classTableLoad';
  assertLittleEndian(fn);
  const buf = fs.readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const fail = (what: string): never => {
    throw new FormatError(`${fn}: ${file}: ${what}`, { file });
  };
  if (bytes.byteLength < 12) {
    if (new TextDecoder().decode(bytes.subarray(0, 8)) === MAGIC.slice(0, Math.min(8, bytes.byteLength))) {
      fail(`truncated: ${bytes.byteLength} bytes, shorter than the 12-byte preamble`);
    }
    fail('not a class table file (expected magic "XLCLSTAB")');
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC)
    fail(`not a class table file (expected magic "XLCLSTAB", got ${JSON.stringify(magic)})`);
  const hLen = new DataView(bytes.buffer, bytes.byteOffset, 12).getUint32(8, true);
  if (12 + hLen > bytes.byteLength) {
    fail(`truncated: the header needs ${12 + hLen} bytes, the file has ${bytes.byteLength}`);
  }
  let header: Header;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + hLen)),
    ) as Header;
  } catch {
    return fail('corrupt header (not valid JSON)');
  }
  if (typeof header !== 'object' || header === null) fail('corrupt header (not an object)');
  if (header.kind !== CLASS_TABLE_KIND) {
    fail(`wrong kind: expected "${CLASS_TABLE_KIND}", got ${describe(header.kind)}`);
  }
  if (header.version !== CLASS_TABLE_FILE_VERSION) {
    fail(`unsupported version: expected ${CLASS_TABLE_FILE_VERSION}, got ${describe(header.version)}`);
  }
  const payloadBytes = header.payloadBytes;
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0)
    fail(`corrupt header (payloadBytes ${describe(payloadBytes)})`);
  const payload = bytes.subarray(12 + hLen);
  if (payload.byteLength < payloadBytes) {
    fail(`truncated: the payload needs ${payloadBytes} bytes, the file has ${payload.byteLength}`);
  }
  if (payload.byteLength > payloadBytes)
    fail(`corrupt: ${payload.byteLength - payloadBytes} bytes after the payload`);
  const sum = checksum(payload);
  if (sum !== header.checksum)
    fail(`corrupt payload (checksum ${sum}, header says ${describe(header.checksum)})`);
  const { K, nPoints } = header;
  const section = (name: SectionName, elements: number | null): Uint8Array => {
    const s = header.sections?.[name];
    if (
      !Array.isArray(s) ||
      !Number.isInteger(s[0]) ||
      !Number.isInteger(s[1]) ||
      s[0] < 0 ||
      s[0] + s[1] > payloadBytes
    ) {
      return fail(`corrupt header (section ${name}: ${describe(s)})`);
    }
    if (elements !== null && s[1] !== elements * 4) {
      fail(
        `corrupt header (section ${name} has ${s[1]} bytes, K = ${K} and nPoints = ${nPoints} need ${elements * 4})`,
      );
    }
    return payload.slice(s[0], s[0] + s[1]);
  };
  if (!Number.isInteger(K) || K < 1 || !Number.isInteger(nPoints) || nPoints < 1) {
    fail(`corrupt header (K ${describe(K)}, nPoints ${describe(nPoints)})`);
  }
  const f32 = (name: SectionName, n: number): Float32Array => new Float32Array(section(name, n).buffer);
  let memberIds: unknown;
  try {
    memberIds = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(section('memberIds', null)));
  } catch (e) {
    if (e instanceof FormatError) throw e;
    return fail('corrupt memberIds (not valid JSON)');
  }
  const table: ClassTable = {
    kind: CLASS_TABLE_KIND,
    method: header.method,
    K,
    nPoints,
    scheme: header.scheme,
    centers: f32('centers', K * 2 * nPoints),
    sigma: f32('sigma', K),
    pose: f32('pose', 3 * K),
    visibility: f32('visibility', K * nPoints),
    memberOffsets: new Int32Array(section('memberOffsets', K + 1).buffer),
    memberIds: memberIds as string[],
  };
  try {
    return classTableValidate(table);
  } catch (e) {
    if (e instanceof ExemplarError) return fail(`inconsistent contents: ${e.message}`);
    throw e;
  }
}
