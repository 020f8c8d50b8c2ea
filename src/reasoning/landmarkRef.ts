/**
 * Landmarks and groups by name, from the table's landmark scheme (`landmarks/scheme.ts`): reasoning functions take a
 * landmark as a name ('noseTip', 'jaw.8' = the 9th point of the jaw group, 'leftEye.0', …) or a 0-based index, and a
 * group by the scheme's group names ('leftEye', 'outerLips', …; 'rightPupil' / 'leftPupil' where the scheme has
 * pupils; 'face' = every point). No raw index is written anywhere else in reasoning.
 */
import { ValueError } from '../errors';
import { genericScheme, ibug68, type LandmarkScheme } from '../landmarks/scheme';
import { describe } from '../util/validate';
import type { ReasoningTable } from './posterior';

/** A landmark: a name from the scheme ('noseTip', 'jaw.8', …) or a 0-based index. */
export type LandmarkRef = string | number;

/** The landmark scheme of a table (its `scheme` name, else by point count). */
export function tableScheme(table: Pick<ReasoningTable, 'nPoints' | 'scheme'>): LandmarkScheme {
  if (table.nPoints === ibug68.nPoints && (table.scheme === undefined || table.scheme === ibug68.name))
    return ibug68;
  return genericScheme(table.nPoints);
}

function specialPoints(scheme: LandmarkScheme): Record<string, number> {
  const out: Record<string, number> = {};
  if (scheme.noseTip !== undefined) out.noseTip = scheme.noseTip;
  return out;
}

/** Every group name the scheme offers (its groups, the pupils, and 'face'). */
export function groupNames(scheme: LandmarkScheme): string[] {
  const names = Object.keys(scheme.groups);
  if (scheme.pupils) names.push('rightPupil', 'leftPupil');
  names.push('face');
  return names;
}

/** The points of a named group. ValueError listing the known names for an unknown one. */
export function groupResolve(
  fn: string,
  name: string,
  scheme: LandmarkScheme,
  arg = 'group',
): readonly number[] {
  if (typeof name === 'string') {
    if (Object.prototype.hasOwnProperty.call(scheme.groups, name)) return scheme.groups[name];
    if (scheme.pupils && name === 'rightPupil') return scheme.pupils.right;
    if (scheme.pupils && name === 'leftPupil') return scheme.pupils.left;
    if (name === 'face') return Array.from({ length: scheme.nPoints }, (_, i) => i);
  }
  throw new ValueError(
    `${fn}: argument '${arg}' expected a group of scheme ${scheme.name} (${groupNames(scheme).join(', ')}), got ${describe(name)}`,
  );
}

/** The 0-based index of a landmark reference. ValueError for an unknown name or an index out of range. */
export function landmarkResolve(
  fn: string,
  ref: LandmarkRef,
  scheme: LandmarkScheme,
  arg = 'landmark',
): number {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 0 && ref < scheme.nPoints) return ref;
  } else if (typeof ref === 'string') {
    const special = specialPoints(scheme);
    if (Object.prototype.hasOwnProperty.call(special, ref)) return special[ref];
    const m = /^([A-Za-z]+)\.(\d+)$/.exec(ref);
    if (m && Object.prototype.hasOwnProperty.call(scheme.groups, m[1])) {
      const g = scheme.groups[m[1]];
      const i = Number(m[2]);
      if (i < g.length) return g[i];
    }
  }
  throw new ValueError(
    `${fn}: argument '${arg}' expected a landmark of scheme ${scheme.name} (an index 0..${scheme.nPoints - 1}, ` +
      `'<group>.<i>' with groups ${Object.keys(scheme.groups).join(', ')}${scheme.noseTip !== undefined ? ", or 'noseTip'" : ''}), got ${describe(ref)}`,
  );
}

/**
 * The name of landmark `j`: 'noseTip' for the nose tip, else '<group>.<i>' of the first group holding it.
 * @example landmarkName(ibug68, 30) // 'noseTip'; landmarkName(ibug68, 8) // 'jaw.8'
 */
export function landmarkName(scheme: LandmarkScheme, j: number): string {
  for (const [name, k] of Object.entries(specialPoints(scheme))) if (k === j) return name;
  for (const [g, idx] of Object.entries(scheme.groups)) {
    const i = idx.indexOf(j);
    if (i >= 0) return `${g}.${i}`;
  }
  return String(j);
}
