/**
 * The Dataset abstraction: an indexed, lazy, re-iterable collection of `Sample`s.
 *
 * Iteration is synchronous (`Iterable<Sample>`, not async): every reader in `io` is synchronous, a
 * training loop pulls batches in a plain `for … of`, and composition (`concat`, `subset`, `splitByGroup`,
 * …) stays simple index arithmetic. The one asynchronous producer, the face detector, runs ahead of time
 * and hands its boxes to `withDetections`.
 *
 * Everything except the pixels is known after indexing (`info(i)`: id, landmarks, box, group, frame);
 * images are decoded when a sample is asked for (`get(i)`, iteration) and not kept, so a dataset of
 * thousands of photos costs the memory of its annotations only.
 */
import { ExemplarError, FormatError } from '../../errors';
import type { Raster, Sample } from '../../types';
import { assertInteger } from '../../util';

/** Everything about a sample except its image: known after indexing, without decoding anything. */
export type SampleInfo = Omit<Sample, 'image'> & {
  /** The image's size when known without decoding it (from an in-memory raster or a previous decode). */
  imageSize?: { width: number; height: number };
};

/** An item that was left out, and why. */
export interface SkippedItem {
  /** The file (annotation, image or video) that caused it. */
  file: string;
  reason: string;
}

/** What a dataset holds and what it left out (`Dataset.report()`). */
export interface DatasetReport {
  /** Where it came from, e.g. `folder(../shared/data/300w-train)` or `subset(…)`. */
  source: string;
  /** Number of items (the dataset's `size`). */
  items: number;
  /** Items skipped while indexing or, for lazily decoded images, while iterating. */
  skipped: SkippedItem[];
  /** Every warning message raised by this dataset (and those it is built from). */
  warnings: string[];
}

/** A lazy, re-iterable, indexed collection of samples. See the module comment. */
export interface Dataset extends Iterable<Sample> {
  /** Where it came from (also `report().source`). */
  readonly source: string;
  /** Number of items, known after indexing. Iteration yields fewer only when an image fails to decode (reported). */
  readonly size: number;
  /** Item ids in index order (unique within a leaf dataset). */
  readonly ids: readonly string[];
  /** Item `i` without its image (cheap: nothing is decoded). */
  info(i: number): SampleInfo;
  /** Item `i` with its decoded image; throws the reader's named error when the image cannot be read. */
  get(i: number): Sample;
  /**
   * Item `i`, or `undefined` when its image cannot be read and the dataset is not strict (the item is then
   * recorded in `report().skipped` and a warning is raised). Iteration uses this.
   */
  tryGet(i: number): Sample | undefined;
  /** Counts, skipped items and warnings, from indexing and from iteration so far. */
  report(): DatasetReport;
}

/** True for the errors a lenient dataset turns into a skipped item: the library's format errors and file-system errors. */
export function isSkippableError(e: unknown): e is Error {
  if (e instanceof FormatError) return true;
  if (e instanceof ExemplarError) return false;
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/** Shared behaviour of every dataset: iteration over `tryGet`, `ids`, index checks. */
export abstract class DatasetBase implements Dataset {
  abstract readonly source: string;
  abstract readonly size: number;
  abstract info(i: number): SampleInfo;
  abstract get(i: number): Sample;
  abstract tryGet(i: number): Sample | undefined;
  abstract report(): DatasetReport;

  private idCache: readonly string[] | null = null;

  get ids(): readonly string[] {
    if (this.idCache === null) {
      const out = new Array<string>(this.size);
      for (let i = 0; i < this.size; i++) out[i] = this.idAt(i);
      this.idCache = Object.freeze(out);
    }
    return this.idCache;
  }

  /** The id of item i (views override this so that ids never need an image decoded). */
  protected idAt(i: number): string {
    return this.info(i).id;
  }

  *[Symbol.iterator](): Iterator<Sample> {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      const s = this.tryGet(i);
      if (s !== undefined) yield s;
    }
  }

  /** Boundary check of an item index. */
  protected checkIndex(fn: string, i: number): void {
    assertInteger(fn, 'i', i, 0, this.size - 1);
  }
}

/** A sample from its info and image (landmark arrays are copied so callers cannot change the index). */
export function sampleOf(info: SampleInfo, image: Raster): Sample {
  const { imageSize: _size, ...rest } = info;
  const s: Sample = { ...rest, image, landmarks: info.landmarks.slice() };
  if (info.visibility !== undefined) s.visibility = info.visibility.slice();
  if (info.occlusion !== undefined) s.occlusion = info.occlusion.slice();
  return s;
}

/** A sample's info (the sample without its image, with the image's size). */
export function infoOf(s: Sample): SampleInfo {
  const { image, ...rest } = s;
  return { ...rest, imageSize: { width: image.width, height: image.height } };
}

/** Merges the reports of the datasets a view is built from. */
export function mergeReports(source: string, items: number, parts: readonly Dataset[]): DatasetReport {
  const skipped: SkippedItem[] = [];
  const warnings: string[] = [];
  const seen = new Set<Dataset>();
  for (const p of parts) {
    if (seen.has(p)) continue;
    seen.add(p);
    const r = p.report();
    skipped.push(...r.skipped);
    warnings.push(...r.warnings);
  }
  return { source, items, skipped, warnings };
}
