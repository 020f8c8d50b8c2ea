/**
 * `SynthSet`: the lazy, random-access set that `faces()` and `video()` return. Item i is rendered on
 * demand by a pure function of (options, i); the face renderer (and its model) is built on first use.
 */
import type { Sample } from '../../types';
import { assertInteger } from '../../util/validate';
import { loadFaceModel } from './faceModel';
import type { Resolved } from './options';
import { FaceRenderer } from './renderFace';

/** A lazy set of synthetic samples: iterate it, or fetch sample i with `at(i)`. */
export interface SynthSet extends Iterable<Sample> {
  /** Number of samples. */
  readonly length: number;
  /** The resolved options (preset and defaults applied). */
  readonly options: Readonly<Resolved>;
  /** Sample i (0 ≤ i < length); the same bytes every time. */
  at(i: number): Sample;
}

/**
 * A SynthSet of `length` items rendered by `render(renderer, i)`; `at` checks its index as `fn().at`'s
 * argument `arg` (0 ≤ arg < length). Internal to synth.
 */
export function synthSet(
  fn: string,
  arg: string,
  length: number,
  options: Resolved,
  render: (renderer: FaceRenderer, i: number) => Sample,
): SynthSet {
  let renderer: FaceRenderer | null = null;
  const get = (i: number): Sample => {
    renderer ??= new FaceRenderer(loadFaceModel());
    return render(renderer, i);
  };
  return {
    length,
    options,
    at(i: number): Sample {
      assertInteger(`${fn}().at`, arg, i, 0, length - 1);
      return get(i);
    },
    *[Symbol.iterator](): Iterator<Sample> {
      for (let i = 0; i < length; i++) yield get(i);
    },
  };
}
