/** Packing equal-length rows (shapes, features) into one row-major array. */

/** Packs `rows` (each of `dim` values; default the first row's length) into one array of rows.length × dim. */
export function packRows(rows: readonly Float32Array[], dim = rows[0]?.length ?? 0): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(r, i * dim));
  return out;
}
