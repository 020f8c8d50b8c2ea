/** `splitByGroup`: train / validation (/ test) splits where no group (video, identity, photo) is on two sides. */
import { ValueError } from '../../errors';
import { assertInRange, toRng } from '../../util';
import type { Dataset } from './dataset';
import { assertDataset, indexView } from './viewDataset';

/** Options of {@link splitByGroup}: give `fractions` or `validation`. */
export interface SplitByGroupOptions {
  /** Fractions of items per part, summing to 1, e.g. [0.8, 0.1, 0.1]. */
  fractions?: readonly number[];
  /** Shorthand for `fractions: [1 − validation, validation]`. */
  validation?: number;
  /** Seed of the assignment of groups to parts. @default 0 */
  seed?: number;
}

/** The group of item i: `group`, or the item's own id when it has none (so it is a group of one). */
export function groupKeyOf(ds: Dataset, i: number): string {
  const info = ds.info(i);
  return info.group ?? `id:${info.id}`;
}

/**
 * Splits by `Sample.group` (the video of a frame, the photo of a face, the identity of a synthetic face):
 * groups are visited in a seeded random order and each goes, whole, to the part furthest below its share
 * of items, so part sizes are close to the fractions (exact up to one group). Items keep the dataset's order.
 * @example const [train, val] = datasets.splitByGroup(ds, { validation: 0.1, seed: 1 })
 */
export function splitByGroup(ds: Dataset, opts: SplitByGroupOptions): Dataset[] {
  assertDataset('splitByGroup', 'ds', ds);
  if (
    opts === null ||
    typeof opts !== 'object' ||
    (opts.fractions === undefined) === (opts.validation === undefined)
  ) {
    throw new ValueError(
      `splitByGroup: argument 'opts' expected exactly one of fractions or validation, got ${JSON.stringify(opts)}`,
    );
  }
  let fractions: number[];
  if (opts.validation !== undefined) {
    assertInRange('splitByGroup', 'opts.validation', opts.validation, 0, 1);
    fractions = [1 - opts.validation, opts.validation];
  } else {
    const f = opts.fractions as readonly number[];
    if (!Array.isArray(f) || f.length < 1) {
      throw new ValueError(
        `splitByGroup: argument 'opts.fractions' expected a non-empty array, got ${JSON.stringify(f)}`,
      );
    }
    f.forEach((x, k) => assertInRange('splitByGroup', `opts.fractions[${k}]`, x, 0, 1));
    const sum = f.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) {
      throw new ValueError(
        `splitByGroup: argument 'opts.fractions' expected fractions summing to 1, got sum ${sum}`,
      );
    }
    fractions = f.slice();
  }

  const members = new Map<string, number[]>();
  for (let i = 0; i < ds.size; i++) {
    const g = groupKeyOf(ds, i);
    const list = members.get(g);
    if (list === undefined) members.set(g, [i]);
    else list.push(i);
  }
  const keys = [...members.keys()].sort();
  toRng(opts.seed, 0).shuffle(keys);

  const parts: number[][] = fractions.map(() => []);
  const assigned = new Float64Array(fractions.length);
  for (const g of keys) {
    let best = 0;
    let bestDeficit = -Infinity;
    for (let k = 0; k < fractions.length; k++) {
      if (fractions[k] === 0) continue;
      const deficit = fractions[k] * ds.size - assigned[k];
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = k;
      }
    }
    const list = members.get(g) as number[];
    for (const i of list) parts[best].push(i);
    assigned[best] += list.length;
  }
  return parts.map((p, k) =>
    indexView(
      `splitByGroup(${ds.source}, part ${k} of [${fractions.map((x) => +x.toFixed(4)).join(', ')}], seed=${opts.seed ?? 0})`,
      ds,
      p.sort((a, b) => a - b),
    ),
  );
}
