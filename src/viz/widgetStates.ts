/**
 * The props of the browser widgets, as plain JSON types. Types only, with no imports, so the widget
 * bundles (type-checked with the DOM library and no Node types) can import them.
 */

/** One K of the teaching widget. */
export interface TeachingLevel {
  K: number;
  /** K × 2N centres in box coordinates (rounded to 1e-4). */
  centers: number[];
  /** RMS point distance (box units) of the example to each centre. */
  distances: number[];
  /** Index of the example's nearest centre (its best class). */
  best: number;
  /** The example's quantisation error: distance to its best class. */
  bestError: number;
  /** Mean over all training shapes of the distance to their nearest centre. */
  meanError: number;
}

/** What the teaching widget receives (plain JSON). */
export interface TeachingState {
  kind: 'exemplar-landmarks/teaching';
  /** Heading shown above the widget (as text). @default none */
  title?: string;
  nPoints: number;
  /** Training shapes M. */
  M: number;
  /** Index of the example among the training shapes, and its shape (box coordinates). */
  example: number;
  exampleShape: number[];
  levels: TeachingLevel[];
  /** Slider range and start of tau (box units). */
  tauMin: number;
  tauMax: number;
  tau: number;
}

/** The teaching widget's value. */
export interface TeachingValue {
  K: number;
  tau: number;
  /** |M_i| at (K, tau). */
  size: number;
}
