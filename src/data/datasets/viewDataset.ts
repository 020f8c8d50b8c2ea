/**
 * A dataset that maps its indices onto items of other datasets, optionally transforming each item.
 * Every composition (concat, everyNth, subset, splitByGroup, flipAugment, withDetections) is one of
 * these: nothing is copied or decoded when a view is built.
 */
import { ValueError } from '../../errors';
import type { Sample } from '../../types';
import { describe } from '../../util';
import { type Dataset, DatasetBase, type DatasetReport, mergeReports, type SampleInfo } from './dataset';

/** Where a view's item `i` lives: dataset `parent`, index `index`. */
export interface ViewLocation {
  parent: Dataset;
  index: number;
}

/** Optional per-item transformation of a view (every function receives the view's index). */
export interface ViewTransform {
  info(info: SampleInfo, i: number): SampleInfo;
  sample(sample: Sample, i: number): Sample;
  /** The new id, when the transform renames items (must agree with `info`). @default the parent's id */
  id?(parentId: string, i: number): string;
}

export class ViewDataset extends DatasetBase {
  constructor(
    readonly source: string,
    readonly size: number,
    private readonly locate: (i: number) => ViewLocation,
    private readonly parents: readonly Dataset[],
    private readonly transform?: ViewTransform,
  ) {
    super();
  }

  protected override idAt(i: number): string {
    const { parent, index } = this.locate(i);
    const id = parent.ids[index];
    return this.transform?.id ? this.transform.id(id, i) : id;
  }

  info(i: number): SampleInfo {
    this.checkIndex('Dataset.info', i);
    const { parent, index } = this.locate(i);
    const info = parent.info(index);
    return this.transform ? this.transform.info(info, i) : info;
  }

  get(i: number): Sample {
    this.checkIndex('Dataset.get', i);
    const { parent, index } = this.locate(i);
    const s = parent.get(index);
    return this.transform ? this.transform.sample(s, i) : s;
  }

  tryGet(i: number): Sample | undefined {
    this.checkIndex('Dataset.tryGet', i);
    const { parent, index } = this.locate(i);
    const s = parent.tryGet(index);
    if (s === undefined) return undefined;
    return this.transform ? this.transform.sample(s, i) : s;
  }

  report(): DatasetReport {
    return mergeReports(this.source, this.size, this.parents);
  }
}

/** A view of `parent` holding its items `indices` (in that order). */
export function indexView(source: string, parent: Dataset, indices: ArrayLike<number>): ViewDataset {
  const idx = Int32Array.from(indices as ArrayLike<number>);
  return new ViewDataset(source, idx.length, (i) => ({ parent, index: idx[i] }), [parent]);
}

/** Boundary check that an argument is a Dataset (anything with size, info, get, tryGet, report). */
export function assertDataset(fn: string, name: string, ds: unknown): asserts ds is Dataset {
  const d = ds as Partial<Dataset> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    typeof d.size !== 'number' ||
    typeof d.info !== 'function' ||
    typeof d.get !== 'function' ||
    typeof d.tryGet !== 'function' ||
    typeof d.report !== 'function'
  ) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a Dataset (from datasets.folder, fromSamples, …), got ${describe(ds)}`,
    );
  }
}
