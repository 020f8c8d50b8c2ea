/**
 * menpo's LJSON landmark files, versions 1–3. Points are stored in menpo's order: [y, x] for 2D image
 * landmarks (row, column; 0-based) and [x, y, z] for 3D. This reader returns x-first shapes
 * (`[x0, y0, x1, y1, …]` or `[x0, y0, z0, …]`).
 *
 * - v1: `groups: [{ label, landmarks: [{ point: [y, x] }], connectivity }]`: one point cloud whose
 *   parts are labelled; read as one group `"LJSON"` with a label per part.
 * - v2: `labels: [{ label, mask }]`, `landmarks: { points, connectivity }`: one group `"LJSON"`.
 * - v3: `groups: { name: { landmarks: { points, connectivity }, labels: [{ label, mask }] } }`.
 */
import * as fs from 'node:fs';
import { FormatError, ShapeError, ValueError } from '../../errors';
import { assertFiniteArray, assertOneOf, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { JsonFields, parseJsonText } from './json-text';
import { fileLabel } from './text';

/** The landmarks of one LJSON file. */
export interface Ljson {
  /** The file's format version. */
  version: 1 | 2 | 3;
  /** 2 for image landmarks, 3 for landmarks on a 3D mesh. */
  dims: 2 | 3;
  /** Per group: points x-first, interleaved (`[x, y, …]` or `[x, y, z, …]`). */
  groups: Record<string, Float32Array>;
  /** Per group: label → point indices (the file's masks). */
  labels: Record<string, Record<string, number[]>>;
  /** Per group: connected point index pairs. */
  connectivity: Record<string, [number, number][]>;
  /** Per group with missing points (stored as `null`, read as NaN only with `allowMissing`): their indices. */
  missing: Record<string, number[]>;
}

/** Options of {@link parseLjson} and {@link readLjson}. */
export interface ParseLjsonOptions {
  /** File name for error messages. @default the path for readLjson, '<input>' for parseLjson */
  file?: string;
  /** Read `null` points (menpo's missing landmarks) as NaN and list them in `missing` instead of failing. @default false */
  allowMissing?: boolean;
}

/** What {@link formatLjson} writes: groups of x-first points, optionally labels and connectivity. */
export interface LjsonInput {
  groups: Record<string, ArrayLike<number>>;
  /** @default 2 */
  dims?: 2 | 3;
  labels?: Record<string, Record<string, number[]>>;
  connectivity?: Record<string, [number, number][]>;
}

/** Parses the text of an LJSON file (v1, v2 or v3). */
export function parseLjson(text: string, opts: ParseLjsonOptions = {}): Ljson {
  return parseLjsonAs('parseLjson', text, opts);
}

/** Reads an LJSON file (v1, v2 or v3); 2D points come back as `[x, y]` (the file stores `[y, x]`). */
export function readLjson(path: string, opts: ParseLjsonOptions = {}): Ljson {
  if (typeof path !== 'string')
    throw new ValueError(`readLjson: argument 'path' expected a string, got ${describe(path)}`);
  return parseLjsonAs('readLjson', fs.readFileSync(path, 'utf8'), { ...opts, file: opts.file ?? path });
}

/** Formats landmarks as LJSON v3 text (2D points written `[y, x]`, as menpo does). */
export function formatLjson(data: LjsonInput): string {
  return formatLjsonAs('formatLjson', data);
}

/** Writes landmarks as an LJSON v3 file, atomically. */
export function writeLjson(path: string, data: LjsonInput): void {
  if (typeof path !== 'string')
    throw new ValueError(`writeLjson: argument 'path' expected a string, got ${describe(path)}`);
  writeFileAtomic(path, formatLjsonAs('writeLjson', data));
}

function parseLjsonAs(fn: string, text: string, opts: ParseLjsonOptions): Ljson {
  if (typeof text !== 'string')
    throw new ValueError(`${fn}: argument 'text' expected a string, got ${describe(text)}`);
  const file = opts.file;
  const j = new JsonFields(fn, file);
  const root = j.object(parseJsonText(fn, text, file), '(root)');
  const version = root.version;
  if (version !== 1 && version !== 2 && version !== 3) j.fail('version', '1, 2 or 3', version);
  const out: Ljson = {
    version: version as 1 | 2 | 3,
    dims: 2,
    groups: {},
    labels: {},
    connectivity: {},
    missing: {},
  };
  let dims: 2 | 3 | undefined;

  // Reads an array of points (each [a, b] or [a, b, c] or null) into x-first Float32Array.
  const readPoints = (
    pts: unknown[],
    field: (i: number) => string,
    group: string,
    offset: number,
    dst: number[][],
  ): void => {
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i];
      const f = field(i);
      if (p === null) {
        if (!opts.allowMissing) {
          j.fail(
            f,
            'a point (null marks a missing landmark: pass { allowMissing: true } to read it as NaN)',
            p,
          );
        }
        (out.missing[group] ??= []).push(offset + i);
        dst.push([]);
        continue;
      }
      const arr = j.array(p, f);
      if (arr.length !== 2 && arr.length !== 3) j.fail(f, 'a point of 2 or 3 numbers', arr);
      if (dims === undefined) dims = arr.length as 2 | 3;
      else if (arr.length !== dims) j.fail(f, `a point of ${dims} numbers like the others`, arr);
      dst.push(arr.map((v, k) => j.number(v, `${f}[${k}]`)));
    }
  };
  const toShape = (pts: number[][]): Float32Array => {
    const d = dims ?? 2;
    const s = new Float32Array(pts.length * d);
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i];
      if (p.length === 0) s.fill(NaN, i * d, i * d + d);
      else if (d === 2) {
        s[2 * i] = p[1];
        s[2 * i + 1] = p[0];
      } else s.set(p, 3 * i);
    }
    return s;
  };
  const readIndexList = (v: unknown, field: string, n: number): number[] =>
    j.array(v, field).map((k, i) => {
      const x = j.integer(k, `${field}[${i}]`, 0);
      if (x >= n) j.fail(`${field}[${i}]`, `a point index below ${n}`, x);
      return x;
    });
  const readConnectivity = (v: unknown, field: string, n: number, offset = 0): [number, number][] =>
    v === undefined || v === null
      ? []
      : j.array(v, field).map((e, i) => {
          const pair = readIndexList(e, `${field}[${i}]`, n - offset);
          if (pair.length !== 2) j.fail(`${field}[${i}]`, 'a pair of point indices', e);
          return [pair[0] + offset, pair[1] + offset];
        });
  const readLabels = (v: unknown, field: string, n: number): Record<string, number[]> => {
    const labels: Record<string, number[]> = {};
    if (v === undefined || v === null) return labels;
    j.array(v, field).forEach((l, i) => {
      const o = j.object(l, `${field}[${i}]`);
      labels[j.string(o.label, `${field}[${i}].label`)] = readIndexList(o.mask, `${field}[${i}].mask`, n);
    });
    return labels;
  };

  if (version === 1) {
    // One point cloud made of labelled parts.
    const parts = j.array(root.groups, 'groups');
    const pts: number[][] = [];
    const labels: Record<string, number[]> = {};
    const conn: [number, number][] = [];
    parts.forEach((g, gi) => {
      const o = j.object(g, `groups[${gi}]`);
      const label = j.string(o.label, `groups[${gi}].label`);
      const lms = j.array(o.landmarks, `groups[${gi}].landmarks`);
      const offset = pts.length;
      const raw = lms.map((l, i) => j.object(l, `groups[${gi}].landmarks[${i}]`).point);
      readPoints(raw, (i) => `groups[${gi}].landmarks[${i}].point`, 'LJSON', offset, pts);
      labels[label] = raw.map((_, i) => offset + i);
      conn.push(
        ...readConnectivity(o.connectivity, `groups[${gi}].connectivity`, offset + raw.length, offset),
      );
    });
    out.groups.LJSON = toShape(pts);
    out.labels.LJSON = labels;
    out.connectivity.LJSON = conn;
  } else if (version === 2) {
    const lm = j.object(root.landmarks, 'landmarks');
    const pts: number[][] = [];
    readPoints(j.array(lm.points, 'landmarks.points'), (i) => `landmarks.points[${i}]`, 'LJSON', 0, pts);
    out.groups.LJSON = toShape(pts);
    out.connectivity.LJSON = readConnectivity(lm.connectivity, 'landmarks.connectivity', pts.length);
    out.labels.LJSON = readLabels(root.labels, 'labels', pts.length);
  } else {
    const groups = j.object(root.groups, 'groups');
    for (const [name, g] of Object.entries(groups)) {
      const f = `groups.${name}`;
      const o = j.object(g, f);
      const lm = j.object(o.landmarks, `${f}.landmarks`);
      const pts: number[][] = [];
      readPoints(
        j.array(lm.points, `${f}.landmarks.points`),
        (i) => `${f}.landmarks.points[${i}]`,
        name,
        0,
        pts,
      );
      out.groups[name] = toShape(pts);
      out.connectivity[name] = readConnectivity(lm.connectivity, `${f}.landmarks.connectivity`, pts.length);
      out.labels[name] = readLabels(o.labels, `${f}.labels`, pts.length);
    }
  }
  out.dims = dims ?? 2;
  if (Object.keys(out.groups).length === 0 && version === 3) {
    throw new FormatError(`${fn}: ${fileLabel(file)}: field groups: expected at least one group, got none`, {
      file,
    });
  }
  return out;
}

function formatLjsonAs(fn: string, data: LjsonInput): string {
  if (data === null || typeof data !== 'object' || data.groups === null || typeof data.groups !== 'object') {
    throw new ValueError(
      `${fn}: argument 'data.groups' expected an object of shapes, got ${describe(data?.groups)}`,
    );
  }
  const dims = data.dims ?? 2;
  assertOneOf(fn, 'data.dims', String(dims), ['2', '3']);
  const groups: Record<string, unknown> = {};
  for (const [name, shape] of Object.entries(data.groups)) {
    const arr = ArrayBuffer.isView(shape) && !(shape instanceof Float32Array) ? Array.from(shape) : shape;
    assertFiniteArray(fn, `data.groups.${name}`, arr);
    if (arr.length % dims !== 0) {
      throw new ShapeError(
        `${fn}: argument 'data.groups.${name}' expected a multiple of ${dims} values, got length ${arr.length}`,
      );
    }
    const n = arr.length / dims;
    const points: number[][] = [];
    for (let i = 0; i < n; i++) {
      points.push(dims === 2 ? [arr[2 * i + 1], arr[2 * i]] : [arr[3 * i], arr[3 * i + 1], arr[3 * i + 2]]);
    }
    const checkIndex = (k: unknown, what: string): void => {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= n) {
        throw new ValueError(
          `${fn}: argument '${what}' expected point indices in 0..${n - 1}, got ${describe(k)}`,
        );
      }
    };
    const labels = Object.entries(data.labels?.[name] ?? {}).map(([label, mask]) => {
      mask.forEach((k) => checkIndex(k, `data.labels.${name}.${label}`));
      return { label, mask };
    });
    const connectivity = data.connectivity?.[name] ?? [];
    connectivity.forEach((pair) => pair.forEach((k) => checkIndex(k, `data.connectivity.${name}`)));
    groups[name] = { landmarks: { points, connectivity }, labels };
  }
  return JSON.stringify({ groups, version: 3 }, null, 4) + '\n';
}
