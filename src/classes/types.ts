/**
 * The class table: K pose classes over shapes normalised to their box. Shared contract between
 * `classes/` (which builds tables and membership sets) and `model/` (which trains a K-way head on them).
 *
 * Box coordinates: for a shape in pixels and its box, x' = (x - box.x) / box.width, y' = (y - box.y) / box.height,
 * so the box spans [0, 1]² (see `landmarks.shapeToBox` / `landmarks.shapeFromBox`). Distances (tau, sigma) are in
 * these units, measured as the Euclidean norm of the whole 2N-vector divided by sqrt(N) (RMS point distance).
 */
export interface ClassTable {
  /** Format tag for saved files. */
  readonly kind: 'exemplar-landmarks/class-table';
  /** How the table was made. */
  readonly method: 'kmeans' | 'exemplar';
  /** Number of classes. */
  readonly K: number;
  /** Landmarks per shape. */
  readonly nPoints: number;
  /** Name of the landmark scheme, e.g. 'ibug68'. */
  readonly scheme: string;
  /** K × 2N centres mu_k in box coordinates, row-major. */
  readonly centers: Float32Array;
  /** K spherical spreads sigma_k (RMS point distance units). */
  readonly sigma: Float32Array;
  /** K × 3 yaw, pitch, roll in degrees per class (from ground truth where known, else the pose fit). */
  readonly pose: Float32Array;
  /** K × N fraction of members in which each landmark is visible (1 when unknown). */
  readonly visibility: Float32Array;
  /**
   * Ids of the samples behind each class, CSR-style: class k owns `memberIds[memberOffsets[k] .. memberOffsets[k+1])`.
   * For exemplar tables that is the exemplar itself (and its source for flipped copies).
   */
  readonly memberOffsets: Int32Array;
  readonly memberIds: string[];
}

/** A sparse set of class indices per example (CSR): example i owns `indices[offsets[i] .. offsets[i+1])`. */
export interface Membership {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  /**
   * Optional: the RMS point distance (box units) of each entry, aligned with `indices`; present when
   * asked for (`membership(…, { withDistances: true })`), e.g. to weight positives by exp(−d²/2σ_k²).
   */
  readonly distances?: Float32Array;
}
