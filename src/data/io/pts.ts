/**
 * iBUG `.pts` landmark files (300-W, 300-VW, menpo, …):
 *
 * ```
 * version: 1
 * n_points:  68
 * {
 * 123.5 201.25
 * …
 * }
 * ```
 *
 * or headerless (just `x y` lines). Coordinates are 1-based in the 300-W convention; shapes in this
 * library are 0-based pixels, so reading subtracts 1 and writing adds 1 unless `oneBased: false`.
 */
import * as fs from 'node:fs';
import { FormatError, ShapeError, ValueError } from '../../errors';
import type { Shape } from '../../types';
import { assertFiniteArray, assertInteger, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { fileLabel, parseFiniteNumber, quote, splitLines } from './text';

/** Options of {@link parsePts} and {@link readPts}. */
export interface ParsePtsOptions {
  /** File name used in error messages. @default the path for readPts, '<input>' for parsePts */
  file?: string;
  /** The file's coordinates are 1-based (300-W convention): subtract 1 on reading. @default true */
  oneBased?: boolean;
  /** When set, a file with any other number of points is a FormatError. @default undefined (any count) */
  expectedPoints?: number;
}

/** Options of {@link formatPts} and {@link writePts}. */
export interface FormatPtsOptions {
  /** Write 1-based coordinates (300-W convention): add 1 on writing. @default true */
  oneBased?: boolean;
  /** Write the `version: 1` / `n_points:` / `{ … }` header and braces. @default true */
  header?: boolean;
  /** Digits after the decimal point. @default 6 */
  decimals?: number;
}

/** Parses the text of a `.pts` file into a 0-based shape `[x0, y0, x1, y1, …]`. */
export function parsePts(text: string, opts: ParsePtsOptions = {}): Shape {
  return parsePtsAs('parsePts', text, opts);
}

/** Reads a `.pts` file into a 0-based shape `[x0, y0, x1, y1, …]` (see {@link parsePts}). */
export function readPts(path: string, opts: ParsePtsOptions = {}): Shape {
  if (typeof path !== 'string') {
    throw new ValueError(`readPts: argument 'path' expected a string, got ${describe(path)}`);
  }
  const text = fs.readFileSync(path, 'utf8');
  return parsePtsAs('readPts', text, { ...opts, file: opts.file ?? path });
}

/** Formats a 0-based shape as the text of a `.pts` file. */
export function formatPts(shape: Shape | ArrayLike<number>, opts: FormatPtsOptions = {}): string {
  return formatPtsAs('formatPts', shape, opts);
}

/** Writes a 0-based shape to a `.pts` file atomically (temporary file + rename). */
export function writePts(path: string, shape: Shape | ArrayLike<number>, opts: FormatPtsOptions = {}): void {
  if (typeof path !== 'string') {
    throw new ValueError(`writePts: argument 'path' expected a string, got ${describe(path)}`);
  }
  writeFileAtomic(path, formatPtsAs('writePts', shape, opts));
}

function formatPtsAs(fn: string, shape: Shape | ArrayLike<number>, opts: FormatPtsOptions): string {
  const oneBased = opts.oneBased ?? true;
  const header = opts.header ?? true;
  const decimals = opts.decimals ?? 6;
  assertInteger(fn, 'opts.decimals', decimals, 0, 20);
  const arr = ArrayBuffer.isView(shape) && !(shape instanceof Float32Array) ? Array.from(shape) : shape;
  assertFiniteArray(fn, 'shape', arr);
  if (arr.length % 2 !== 0) {
    throw new ShapeError(
      `${fn}: argument 'shape' expected an even length (x, y pairs), got length ${arr.length}`,
    );
  }
  const off = oneBased ? 1 : 0;
  const n = arr.length / 2;
  const lines: string[] = [];
  if (header) lines.push('version: 1', `n_points:  ${n}`, '{');
  const fmt = (v: number): string => {
    const s = (v + off).toFixed(decimals);
    return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
  };
  for (let i = 0; i < n; i++) lines.push(`${fmt(arr[2 * i])} ${fmt(arr[2 * i + 1])}`);
  if (header) lines.push('}');
  return lines.join('\n') + '\n';
}

/** Parser shared by parsePts and readPts; `fn` names the public function in messages. */
function parsePtsAs(fn: string, text: string, opts: ParsePtsOptions): Shape {
  if (typeof text !== 'string') {
    throw new ValueError(`${fn}: argument 'text' expected a string, got ${describe(text)}`);
  }
  const oneBased = opts.oneBased ?? true;
  if (opts.expectedPoints !== undefined) {
    assertInteger(fn, 'opts.expectedPoints', opts.expectedPoints, 0);
  }
  const file = fileLabel(opts.file);
  const fail = (line: number, what: string): never => {
    throw new FormatError(`${fn}: ${file} line ${line}: ${what}`, { file: opts.file, line });
  };
  const lines = splitLines(text);
  // The last line of the file (a final newline does not start another line): where truncation shows.
  const lastLine = Math.max(1, lines.length - (lines.length > 1 && lines[lines.length - 1] === '' ? 1 : 0));
  let i = 0;
  const skipBlank = (): void => {
    while (i < lines.length && lines[i].trim() === '') i++;
  };
  skipBlank();
  if (i >= lines.length) {
    fail(1, 'expected a .pts header ("version: 1") or "x y" lines, got an empty file');
  }

  // Header: `key: value` lines, then `{`. Headerless files start directly with `x y` lines.
  let declared: number | undefined;
  let braced = false;
  let first = lines[i].trim();
  if (/^[A-Za-z_][\w ]*:/.test(first) || first === '{') {
    while (i < lines.length) {
      first = lines[i].trim();
      if (first === '') {
        i++;
        continue;
      }
      if (first === '{') {
        braced = true;
        i++;
        break;
      }
      const m = /^([A-Za-z_][\w ]*?)\s*:\s*(.*)$/.exec(first);
      if (!m) fail(i + 1, `expected a header line "key: value" or "{", got ${quote(first)}`);
      const [, key, value] = m as RegExpExecArray;
      if (key === 'n_points') {
        if (!/^\d+$/.test(value) || Number(value) > 1e7) {
          fail(i + 1, `expected "n_points: <count>" with a non-negative integer, got ${quote(first)}`);
        }
        declared = Number(value);
      } else if (key === 'version') {
        if (!/^\d+(\.\d+)?$/.test(value)) fail(i + 1, `expected "version: <number>", got ${quote(first)}`);
      }
      // other keys (e.g. `image_size_x:` in some tools' output) are ignored
      i++;
    }
    if (!braced) fail(lastLine, 'truncated file: expected "{" after the header, got end of file');
  }

  const coords: number[] = [];
  let closedAt = -1;
  for (; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    if (braced && raw === '}') {
      closedAt = i;
      break;
    }
    const n = coords.length / 2;
    if (declared !== undefined && n === declared) {
      fail(i + 1, `expected "}" after ${declared} points (n_points: ${declared}), got ${quote(raw)}`);
    }
    const tokens = raw.split(/[\s,]+/);
    if (tokens.length !== 2) {
      fail(
        i + 1,
        `expected "x y" (2 numbers), got ${tokens.length === 1 ? 'one value' : `${tokens.length} values`} ${quote(raw)}`,
      );
    }
    const x = parseFiniteNumber(tokens[0]);
    if (x === undefined) fail(i + 1, `expected a number for x, got ${quote(tokens[0])}`);
    const y = parseFiniteNumber(tokens[1]);
    if (y === undefined) fail(i + 1, `expected a number for y, got ${quote(tokens[1])}`);
    coords.push(x as number, y as number);
  }
  const count = coords.length / 2;
  if (braced) {
    if (closedAt < 0) {
      const what =
        declared !== undefined && count < declared
          ? `truncated file: expected ${declared} points (n_points: ${declared}) and "}", got ${count} points and end of file`
          : `truncated file: expected "}" after ${count} points, got end of file`;
      fail(lastLine, what);
    }
    if (declared !== undefined && count !== declared) {
      fail(closedAt + 1, `expected ${declared} points (n_points: ${declared}), got ${count} before "}"`);
    }
    for (let j = closedAt + 1; j < lines.length; j++) {
      const rest = lines[j].trim();
      if (rest !== '') fail(j + 1, `expected end of file after "}", got ${quote(rest)}`);
    }
  }
  if (opts.expectedPoints !== undefined && count !== opts.expectedPoints) {
    throw new FormatError(`${fn}: ${file}: expected ${opts.expectedPoints} points, got ${count}`, {
      file: opts.file,
    });
  }
  const out = new Float32Array(coords.length);
  const off = oneBased ? 1 : 0;
  for (let k = 0; k < coords.length; k++) out[k] = coords[k] - off;
  return out;
}
