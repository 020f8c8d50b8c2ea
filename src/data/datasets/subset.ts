/** `subset`: a random subset of a dataset, seeded. */
import { ValueError } from '../../errors';
import { assertInRange, assertInteger, toRng } from '../../util';
import type { Dataset } from './dataset';
import { assertDataset, indexView } from './viewDataset';

/** Options of {@link subset}: give `n` or `fraction`. */
export interface SubsetOptions {
  /** Number of items to keep (at most the dataset's size). */
  n?: number;
  /** Fraction of items to keep, in [0, 1] (rounded to the nearest count). */
  fraction?: number;
  /** Seed of the draw. @default 0 */
  seed?: number;
  /** Keep the drawn items in random order instead of the dataset's order. @default false */
  shuffle?: boolean;
}

/**
 * `n` items (or a `fraction` of them) drawn without replacement; by default in the dataset's order.
 * @example const small = datasets.subset(ds, { n: 200, seed: 1 })
 */
export function subset(ds: Dataset, opts: SubsetOptions): Dataset {
  assertDataset('subset', 'ds', ds);
  if (opts === null || typeof opts !== 'object' || (opts.n === undefined) === (opts.fraction === undefined)) {
    throw new ValueError(
      `subset: argument 'opts' expected exactly one of n or fraction, got ${JSON.stringify(opts)}`,
    );
  }
  let n: number;
  if (opts.n !== undefined) {
    assertInteger('subset', 'opts.n', opts.n, 0, ds.size);
    n = opts.n;
  } else {
    assertInRange('subset', 'opts.fraction', opts.fraction, 0, 1);
    n = Math.round((opts.fraction as number) * ds.size);
  }
  const rng = toRng(opts.seed, 0);
  const idx = new Int32Array(ds.size);
  for (let i = 0; i < ds.size; i++) idx[i] = i;
  // partial Fisher–Yates: the first n entries become a uniform draw
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(ds.size - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const chosen = idx.slice(0, n);
  if (!(opts.shuffle ?? false)) chosen.sort();
  const what = opts.n !== undefined ? `n=${n}` : `fraction=${opts.fraction}`;
  return indexView(`subset(${ds.source}, ${what}, seed=${opts.seed ?? 0})`, ds, chosen);
}
