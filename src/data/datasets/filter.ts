/** `filter`: the items whose info passes a test (nothing is decoded). */
import { ValueError } from '../../errors';
import { describe } from '../../util';
import type { Dataset, SampleInfo } from './dataset';
import { assertDataset, indexView } from './viewDataset';

/**
 * The items for which `keep(info, i)` is true, in order; `info` has no image, so this costs no decoding.
 * @example const afw = datasets.filter(ds, (s) => s.meta?.subset === 'afw')
 */
export function filter(ds: Dataset, keep: (info: SampleInfo, i: number) => boolean): Dataset {
  assertDataset('filter', 'ds', ds);
  if (typeof keep !== 'function') {
    throw new ValueError(
      `filter: argument 'keep' expected a function (info, i) => boolean, got ${describe(keep)}`,
    );
  }
  const idx: number[] = [];
  for (let i = 0; i < ds.size; i++) if (keep(ds.info(i), i)) idx.push(i);
  return indexView(`filter(${ds.source})`, ds, idx);
}
