/** Full structural check of a ClassTable (after loading, or before training on one made elsewhere). */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import type { ClassTable } from './types';

/** The `kind` field of a class table file's header. */
export const CLASS_TABLE_KIND = 'exemplar-landmarks/class-table';

function check(cond: boolean, msg: string, Err: typeof ShapeError | typeof ValueError = ShapeError): void {
  if (!cond) throw new Err(`classTableValidate: ${msg}`);
}

/**
 * Throws ShapeError (wrong lengths) or ValueError (wrong values) naming the field, or returns the table.
 * Checks: kind, method, K ≥ 1, nPoints ≥ 1, every array's length, finite centres, finite sigma > 0,
 * pose finite or NaN (unknown), visibility in [0, 1], memberOffsets non-decreasing from 0 to memberIds.length.
 * @example const table = classTableValidate(JSON-decoded or hand-built table)
 */
export function classTableValidate(table: ClassTable): ClassTable {
  check(
    typeof table === 'object' && table !== null,
    `expected a ClassTable, got ${describe(table)}`,
    ValueError,
  );
  check(
    table.kind === CLASS_TABLE_KIND,
    `field 'kind' expected "${CLASS_TABLE_KIND}", got ${describe(table.kind)}`,
    ValueError,
  );
  check(
    table.method === 'kmeans' || table.method === 'exemplar',
    `field 'method' expected "kmeans" or "exemplar", got ${describe(table.method)}`,
    ValueError,
  );
  const { K, nPoints } = table;
  check(Number.isInteger(K) && K >= 1, `field 'K' expected an integer ≥ 1, got ${describe(K)}`, ValueError);
  check(
    Number.isInteger(nPoints) && nPoints >= 1,
    `field 'nPoints' expected an integer ≥ 1, got ${describe(nPoints)}`,
    ValueError,
  );
  check(
    typeof table.scheme === 'string',
    `field 'scheme' expected a string, got ${describe(table.scheme)}`,
    ValueError,
  );
  const lengths: Array<[string, unknown, number, 'f32' | 'i32']> = [
    ['centers', table.centers, K * 2 * nPoints, 'f32'],
    ['sigma', table.sigma, K, 'f32'],
    ['pose', table.pose, 3 * K, 'f32'],
    ['visibility', table.visibility, K * nPoints, 'f32'],
    ['memberOffsets', table.memberOffsets, K + 1, 'i32'],
  ];
  for (const [name, v, n, type] of lengths) {
    const ok = type === 'f32' ? v instanceof Float32Array : v instanceof Int32Array;
    check(
      ok && (v as Float32Array).length === n,
      `field '${name}' expected ${type === 'f32' ? 'a Float32Array' : 'an Int32Array'} of length ${n}, got ${describe(v)}`,
    );
  }
  for (let i = 0; i < table.centers.length; i++) {
    check(
      Number.isFinite(table.centers[i]),
      `field 'centers' has ${table.centers[i]} at index ${i}`,
      ValueError,
    );
  }
  for (let k = 0; k < K; k++) {
    const s = table.sigma[k];
    check(
      Number.isFinite(s) && s > 0,
      `field 'sigma' expected finite values > 0, got ${s} at class ${k}`,
      ValueError,
    );
  }
  for (let i = 0; i < table.pose.length; i++) {
    const p = table.pose[i];
    check(!(p === Infinity || p === -Infinity), `field 'pose' has ${p} at index ${i}`, ValueError);
  }
  for (let i = 0; i < table.visibility.length; i++) {
    const v = table.visibility[i];
    check(
      v >= 0 && v <= 1,
      `field 'visibility' expected values in [0, 1], got ${v} at index ${i}`,
      ValueError,
    );
  }
  check(
    Array.isArray(table.memberIds),
    `field 'memberIds' expected an array of strings, got ${describe(table.memberIds)}`,
  );
  const off = table.memberOffsets;
  check(off[0] === 0, `field 'memberOffsets' expected to start at 0, got ${off[0]}`, ValueError);
  for (let k = 0; k < K; k++) {
    check(
      off[k + 1] >= off[k],
      `field 'memberOffsets' decreases at class ${k} (${off[k]} → ${off[k + 1]})`,
      ValueError,
    );
  }
  check(
    off[K] === table.memberIds.length,
    `field 'memberOffsets' expected to end at memberIds.length = ${table.memberIds.length}, got ${off[K]}`,
  );
  for (let i = 0; i < table.memberIds.length; i++) {
    check(
      typeof table.memberIds[i] === 'string',
      `field 'memberIds' has ${describe(table.memberIds[i])} at index ${i}`,
      ValueError,
    );
  }
  return table;
}
