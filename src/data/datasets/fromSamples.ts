/**
 * `fromSamples`: wraps in-memory samples (an array, or a finite iterable such as a synthetic stream) as a
 * Dataset, so synthetic data composes with concat, splits and augmentation like files on disk do.
 */
import { ValueError } from '../../errors';
import { shapeValidate } from '../../landmarks';
import type { Sample } from '../../types';
import { assertInteger, describe } from '../../util';
import { type Dataset, DatasetBase, type DatasetReport, infoOf, type SampleInfo } from './dataset';
import { DatasetLog, ItemsDataset } from './itemsDataset';

/** Options of {@link fromSamples}. */
export interface FromSamplesOptions {
  /** Name shown by `report().source`. @default 'samples' */
  source?: string;
}

/** A lazy random-access source of samples, such as `synth.faces(…)` and `synth.video(…)`. */
export interface RandomAccessSamples extends Iterable<Sample> {
  readonly length: number;
  /** Sample i; the same sample every time it is asked for. */
  at(i: number): Sample;
}

function isRandomAccess(x: unknown): x is RandomAccessSamples {
  const r = x as Partial<RandomAccessSamples>;
  return !Array.isArray(x) && typeof r.at === 'function' && typeof r.length === 'number';
}

/** A dataset over a random-access source: nothing is made until asked for; infos are kept once made. */
class LazySamplesDataset extends DatasetBase {
  readonly size: number;
  private readonly infos: Array<SampleInfo | undefined>;
  constructor(
    readonly source: string,
    private readonly src: RandomAccessSamples,
  ) {
    super();
    assertInteger('fromSamples', 'samples.length', src.length, 0);
    this.size = src.length;
    this.infos = new Array<SampleInfo | undefined>(this.size);
  }
  private make(fn: string, i: number): Sample {
    this.checkIndex(fn, i);
    const s = this.src.at(i);
    if (this.infos[i] === undefined) {
      checkSample(s, i);
      this.infos[i] = infoOf(s);
    }
    return s;
  }
  info(i: number): SampleInfo {
    this.checkIndex('fromSamples.info', i);
    return this.infos[i] ?? infoOf(this.make('fromSamples.info', i));
  }
  get(i: number): Sample {
    return this.make('fromSamples.get', i);
  }
  tryGet(i: number): Sample | undefined {
    return this.make('fromSamples.tryGet', i);
  }
  report(): DatasetReport {
    return { source: this.source, items: this.size, skipped: [], warnings: [] };
  }
}

function checkSample(s: Sample, i: number): void {
  if (s === null || typeof s !== 'object' || typeof s.id !== 'string' || s.image === undefined) {
    throw new ValueError(
      `fromSamples: argument 'samples[${i}]' expected a Sample {id, image, landmarks, box, …}, got ${describe(s)}`,
    );
  }
  shapeValidate('fromSamples', `samples[${i}].landmarks`, s.landmarks);
}

/**
 * A dataset over samples: an array (kept as given, not copied), a lazy random-access source with `length`
 * and `at(i)` such as `synth.faces(…)` (made only when asked for; the annotations of items already made
 * are kept, their images are not), or any other finite iterable (drained once).
 * `get(i)` returns copies of the landmark arrays for arrays and iterables.
 * @example const ds = datasets.fromSamples(synth.faces({ n: 100, seed: 1 }))
 */
export function fromSamples(
  samples: Iterable<Sample> | RandomAccessSamples,
  opts: FromSamplesOptions = {},
): Dataset {
  if (
    samples === null ||
    typeof samples !== 'object' ||
    typeof (samples as Iterable<Sample>)[Symbol.iterator] !== 'function'
  ) {
    throw new ValueError(
      `fromSamples: argument 'samples' expected an array or iterable of Samples, got ${describe(samples)}`,
    );
  }
  const source = opts.source ?? 'samples';
  if (isRandomAccess(samples)) return new LazySamplesDataset(source, samples);
  const list = Array.isArray(samples) ? (samples as Sample[]) : Array.from(samples);
  const items = list.map((s, i) => {
    checkSample(s, i);
    const image = s.image;
    return { info: infoOf(s), load: () => image };
  });
  return new ItemsDataset(source, items, new DatasetLog(), true, 'fromSamples');
}
