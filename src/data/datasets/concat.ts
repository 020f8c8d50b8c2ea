/** `concat`: several datasets one after another. */
import { ValueError } from '../../errors';
import type { Dataset } from './dataset';
import { assertDataset, ViewDataset } from './viewDataset';

/**
 * The items of every dataset in order (nothing is copied). Ids are not renamed: concatenating datasets
 * whose ids collide gives a dataset with repeated ids.
 * @example const all = datasets.concat(w300, datasets.fromSamples(synthetic))
 */
export function concat(...parts: Dataset[]): Dataset {
  if (parts.length === 0) throw new ValueError(`concat: expected at least one dataset, got none`);
  parts.forEach((p, k) => assertDataset('concat', `datasets[${k}]`, p));
  const starts = new Int32Array(parts.length + 1);
  for (let k = 0; k < parts.length; k++) starts[k + 1] = starts[k] + parts[k].size;
  const locate = (i: number): { parent: Dataset; index: number } => {
    // binary search for the part holding i (parts may be empty)
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return { parent: parts[lo], index: i - starts[lo] };
  };
  return new ViewDataset(
    `concat(${parts.map((p) => p.source).join(', ')})`,
    starts[parts.length],
    locate,
    parts,
  );
}
