/** `w300Train`: the 300-W training set (HELEN train, LFPW train, AFW) in one call, with a split by photo. */
import { assertInRange, assertOneOf } from '../../util';
import type { Dataset } from './dataset';
import { folder, type FolderOptions } from './folder';
import { splitByGroup } from './splitByGroup';

/** Options of {@link w300Train} (and every option of {@link folder}). */
export interface W300TrainOptions extends FolderOptions {
  /** Which part to return. @default 'all' */
  split?: 'train' | 'validation' | 'all';
  /** Share of faces held out for validation, split by photo (faces of one photo stay together). @default 0.1 */
  validationFraction?: number;
  /** Seed of the split. @default 0 */
  seed?: number;
}

/**
 * The 300-W training faces (a folder of crops with 1-based `.pts`, e.g. `../shared/data/300w-train`):
 * the whole set, or its train or validation part split by photo.
 * @example const train = datasets.w300Train('../shared/data/300w-train', { split: 'train', seed: 1 })
 */
export function w300Train(path: string, opts: W300TrainOptions = {}): Dataset {
  const { split = 'all', validationFraction = 0.1, seed = 0, ...folderOpts } = opts;
  assertOneOf('w300Train', 'opts.split', split, ['train', 'validation', 'all'] as const);
  assertInRange('w300Train', 'opts.validationFraction', validationFraction, 0, 1);
  const all = folder(path, { source: '300w', ...folderOpts });
  if (split === 'all') return all;
  const [train, validation] = splitByGroup(all, { validation: validationFraction, seed });
  return split === 'train' ? train : validation;
}
