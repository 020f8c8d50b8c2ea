/**
 * The leaf dataset every source builds: a list of indexed items (info + a function that decodes the
 * image), a record of what was skipped, and the strictness that decides whether a bad image is skipped
 * or thrown.
 */
import type { Raster, Sample } from '../../types';
import type { Warnings } from '../../util';
import {
  DatasetBase,
  type DatasetReport,
  isSkippableError,
  type SampleInfo,
  type SkippedItem,
  sampleOf,
} from './dataset';

/** One indexed item of a leaf dataset. */
export interface DatasetItem {
  info: SampleInfo;
  /** Decodes (or returns) the image; throws the reader's named error when it cannot. */
  load: () => Raster;
  /** The image file, for reports (omitted for in-memory samples). */
  file?: string;
}

/** Skips and warnings of one leaf dataset, also echoed to the caller's `Warnings` sink when given. */
export class DatasetLog {
  readonly skipped: SkippedItem[] = [];
  readonly warnings: string[] = [];
  constructor(private readonly sink?: Warnings) {}

  warn(code: string, message: string): void {
    this.warnings.push(message);
    this.sink?.warn(code, message);
  }

  skip(fn: string, file: string, reason: string): void {
    this.skipped.push({ file, reason });
    this.warn('skipped-item', `${fn}: skipped ${file}: ${reason}`);
  }
}

/** A dataset over a fixed list of items. */
export class ItemsDataset extends DatasetBase {
  readonly size: number;
  /** Items that failed to decode while iterating (so each is reported once). */
  private readonly failed = new Set<number>();

  constructor(
    readonly source: string,
    private readonly items: readonly DatasetItem[],
    private readonly log: DatasetLog,
    private readonly strict: boolean,
    private readonly fn: string,
  ) {
    super();
    this.size = items.length;
  }

  info(i: number): SampleInfo {
    this.checkIndex(`${this.fn}.info`, i);
    return this.items[i].info;
  }

  get(i: number): Sample {
    this.checkIndex(`${this.fn}.get`, i);
    const it = this.items[i];
    return sampleOf(it.info, it.load());
  }

  tryGet(i: number): Sample | undefined {
    this.checkIndex(`${this.fn}.tryGet`, i);
    const it = this.items[i];
    try {
      return sampleOf(it.info, it.load());
    } catch (e) {
      if (this.strict || !isSkippableError(e)) throw e;
      if (!this.failed.has(i)) {
        this.failed.add(i);
        this.log.skip(this.fn, it.file ?? it.info.id, e.message);
      }
      return undefined;
    }
  }

  report(): DatasetReport {
    return {
      source: this.source,
      items: this.size,
      skipped: this.log.skipped.slice(),
      warnings: this.log.warnings.slice(),
    };
  }
}
