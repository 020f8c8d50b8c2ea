/**
 * `fromSamples`: wraps in-memory samples (an array, or a finite iterable such as a synthetic stream) as a
 * Dataset, so synthetic data composes with concat, splits and augmentation like files on disk do.
 */
import { ValueError } from '../../errors';
import { shapeValidate } from '../../landmarks';
import type { Sample } from '../../types';
import { describe } from '../../util';
import type { Dataset } from './dataset';
import { infoOf } from './dataset';
import { DatasetLog, ItemsDataset } from './itemsDataset';

/** Options of {@link fromSamples}. */
export interface FromSamplesOptions {
  /** Name shown by `report().source`. @default 'samples' */
  source?: string;
}

/**
 * A dataset over in-memory samples. An iterable is drained once (it must be finite); the samples are
 * kept as given (not copied), and `get(i)` returns copies of their landmark arrays.
 * @example const ds = datasets.fromSamples(synth.faces({ n: 100, seed: 1 }))
 */
export function fromSamples(samples: Iterable<Sample>, opts: FromSamplesOptions = {}): Dataset {
  if (samples === null || typeof samples !== 'object' || typeof (samples as Iterable<Sample>)[Symbol.iterator] !== 'function') {
    throw new ValueError(`fromSamples: argument 'samples' expected an array or iterable of Samples, got ${describe(samples)}`);
  }
  const source = opts.source ?? 'samples';
  const list = Array.isArray(samples) ? (samples as Sample[]) : Array.from(samples);
  const items = list.map((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.id !== 'string' || s.image === undefined) {
      throw new ValueError(`fromSamples: argument 'samples[${i}]' expected a Sample {id, image, landmarks, box, …}, got ${describe(s)}`);
    }
    shapeValidate('fromSamples', `samples[${i}].landmarks`, s.landmarks);
    const image = s.image;
    return { info: infoOf(s), load: () => image };
  });
  return new ItemsDataset(source, items, new DatasetLog(), true, 'fromSamples');
}
