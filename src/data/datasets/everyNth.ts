/** `everyNth`: subsample video frames. */
import { assertInteger } from '../../util';
import type { Dataset } from './dataset';
import { assertDataset, indexView } from './viewDataset';

/** Options of {@link everyNth}. */
export interface EveryNthOptions {
  /** Keep frames whose number is `offset` modulo `n`. @default 0 */
  offset?: number;
}

/**
 * Keeps every n-th frame: items with a `frame` number are kept when `frame % n === offset` (so the phase is
 * the same in every video); items without one (photos) when their index `i % n === offset`.
 * @example const sparse = datasets.everyNth(video, 5)
 */
export function everyNth(ds: Dataset, n: number, opts: EveryNthOptions = {}): Dataset {
  assertDataset('everyNth', 'ds', ds);
  assertInteger('everyNth', 'n', n, 1);
  const offset = opts.offset ?? 0;
  assertInteger('everyNth', 'opts.offset', offset, 0, n - 1);
  const keep: number[] = [];
  for (let i = 0; i < ds.size; i++) {
    const f = ds.info(i).frame;
    if ((f !== undefined ? f : i) % n === offset) keep.push(i);
  }
  return indexView(`everyNth(${ds.source}, ${n})`, ds, keep);
}
