/** The nearest class of each shape: the membership scan with no radius (see membership.ts). */
import { type BlockOptions, assertBlockOptions } from './blockDistances';
import { centerIndex, centerIndexRelease } from './centerIndex';
import { membershipScan } from './membership';
import { assertTable, assertTableShapes } from './tableShapes';
import type { ClassTable } from './types';

/**
 * The nearest class (smallest squared distance between a shape and a centre) of each of B shapes (B × 2N, box
 * coordinates), exact at any backend precision; ties go to the lower index.
 * @example const k = nearestClass(table, shapes)[0]
 */
export function nearestClass(
  table: ClassTable,
  shapes: Float32Array,
  options: BlockOptions = {},
): Int32Array {
  const fn = 'nearestClass';
  assertTable(fn, table);
  const B = assertTableShapes(fn, table, shapes);
  assertBlockOptions(fn, options);
  const index = centerIndex(table.centers, table.K, table.nPoints, options);
  try {
    return membershipScan(index, shapes, B, null, false).nearest;
  } finally {
    centerIndexRelease(index);
  }
}
