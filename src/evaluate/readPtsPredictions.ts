/**
 * Another system's predictions from a folder of `.pts` files, in the order of the ground truth's ids, so they can be
 * scored with the same protocol and overlaid on the same CED. A face with id `helen/img_1` is read from
 * `<dir>/helen/img_1.pts`, else from the one file `img_1.pts` anywhere under `dir` (tools that write flat folders).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormatError, ShapeError, ValueError } from '../errors';
import { readPts } from '../data/io/pts';
import { assertInteger, describe } from '../util/validate';

/** Options of {@link readPtsPredictions}. */
export interface ReadPtsPredictionsOptions {
  /** Points every file must hold. @default the point count of the first file */
  nPoints?: number;
  /** The files are 1-based (300-W convention). @default true */
  oneBased?: boolean;
}

function listPts(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.pts')) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Reads one `.pts` per id into a packed B × 2N array (0-based pixels). Throws ValueError naming the ids without a
 * file (or with two candidate files), ShapeError for a file of another point count, FormatError for a bad file.
 * @example const theirs = evaluate.readPtsPredictions('results/sdm', validation.map((s) => s.id), { nPoints: 68 })
 */
export function readPtsPredictions(
  dir: string,
  ids: readonly string[],
  opts: ReadPtsPredictionsOptions = {},
): Float32Array {
  const fn = 'readPtsPredictions';
  if (typeof dir !== 'string' || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ValueError(`${fn}: argument 'dir' expected a folder of .pts files, got ${describe(dir)}`);
  }
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
    throw new ValueError(
      `${fn}: argument 'ids' expected a non-empty array of ground-truth ids, got ${describe(ids)}`,
    );
  }
  if (opts.nPoints !== undefined) assertInteger(fn, 'nPoints', opts.nPoints, 1);
  const files = listPts(dir);
  const exact = new Set(files.map((f) => f.slice(0, -4)));
  const byBase = new Map<string, string[]>();
  for (const f of files) {
    const b = path.posix.basename(f).slice(0, -4);
    byBase.set(b, [...(byBase.get(b) ?? []), f]);
  }
  const chosen: string[] = [];
  const missing: string[] = [];
  const ambiguous: string[] = [];
  for (const id of ids) {
    const rel = id.replace(/\\/g, '/');
    if (exact.has(rel)) {
      chosen.push(`${rel}.pts`);
      continue;
    }
    const cands = byBase.get(path.posix.basename(rel)) ?? [];
    if (cands.length === 1) chosen.push(cands[0]);
    else (cands.length === 0 ? missing : ambiguous).push(id);
  }
  if (missing.length > 0 || ambiguous.length > 0) {
    const list = (a: string[]): string =>
      a.slice(0, 5).join(', ') + (a.length > 5 ? `, … (${a.length - 5} more)` : '');
    const parts: string[] = [];
    if (missing.length) parts.push(`no .pts for ${missing.length} of ${ids.length} ids: ${list(missing)}`);
    if (ambiguous.length) parts.push(`several .pts for ${ambiguous.length} ids: ${list(ambiguous)}`);
    throw new ValueError(
      `${fn}: folder ${dir} does not match the ground truth's names (${files.length} .pts files found; ${parts.join('; ')})`,
    );
  }
  let n = opts.nPoints;
  let out: Float32Array | null = null;
  chosen.forEach((rel, i) => {
    const file = path.join(dir, rel);
    const s = readPts(file, { oneBased: opts.oneBased ?? true });
    if (n === undefined) n = s.length / 2;
    if (s.length !== 2 * n) {
      throw new ShapeError(
        `${fn}: ${file} holds ${s.length / 2} points, expected ${n} (like ${opts.nPoints === undefined ? chosen[0] : "option 'nPoints'"})`,
      );
    }
    out ??= new Float32Array(ids.length * 2 * n);
    out.set(s, i * 2 * n);
  });
  if (out === null) throw new FormatError(`${fn}: no predictions read from ${dir}`);
  return out;
}
