/** Boundary checks shared by the functions that take a class table and shapes. */
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import type { ClassTable } from './types';
import { assertPackedShapes } from './packedShapes';

/** Checks the table's basic fields (not every array; see classTableValidate) and returns K. */
export function assertTable(fn: string, table: unknown): ClassTable {
  const t = table as Partial<ClassTable> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    t.kind !== 'exemplar-landmarks/class-table' ||
    !(t.centers instanceof Float32Array) ||
    typeof t.K !== 'number' ||
    typeof t.nPoints !== 'number' ||
    t.centers.length !== t.K * 2 * t.nPoints
  ) {
    throw new ValueError(`${fn}: argument 'table' expected a ClassTable, got ${describe(table)}`);
  }
  return t as ClassTable;
}

/** Checks packed shapes against the table's point count; returns the number of shapes. */
export function assertTableShapes(fn: string, table: ClassTable, shapes: unknown, name = 'shapes'): number {
  return assertPackedShapes(fn, name, shapes, table.nPoints);
}

/** tau must be a finite number > 0 (an RMS point distance in box units). */
export function assertTau(fn: string, tau: unknown, name = 'tau'): asserts tau is number {
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a finite radius > 0 (RMS point distance in box units), got ${describe(tau)}`,
    );
  }
}
