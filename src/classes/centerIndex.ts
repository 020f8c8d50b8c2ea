/**
 * A class table's centres prepared once for repeated distance scans (centred on their mean, uploaded to the
 * engine as blocked product operands): what a trainer keeps to compute each batch's nearest classes and
 * membership sets (membershipScan) without uploading the centres every step. Release it when done.
 */
import {
  type BlockOptions,
  type PreparedReference,
  prepareReference,
  releaseReference,
} from './blockDistances';

/** Centres K × 2N and their prepared blocks (see blockDistances). */
export interface CenterIndex {
  readonly centers: Float32Array;
  readonly K: number;
  readonly nPoints: number;
  /** @internal the engine-side operands */
  readonly prepared: PreparedReference;
}

/**
 * Prepares `K` centres of `nPoints` points (K × 2N, box coordinates). No boundary checks: callers pass a
 * validated table's centres.
 */
export function centerIndex(
  centers: Float32Array,
  K: number,
  nPoints: number,
  opts: BlockOptions = {},
): CenterIndex {
  return { centers, K, nPoints, prepared: prepareReference(centers, K, 2 * nPoints, opts) };
}

/** Frees the engine-side blocks of a center index. */
export function centerIndexRelease(index: CenterIndex): void {
  releaseReference(index.prepared);
}
