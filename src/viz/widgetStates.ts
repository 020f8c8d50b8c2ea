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

/** A face box in image pixels (as `Box`). */
export interface BoxJson {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One click of the click-to-condition widget: landmark `landmark` is at (x, y) (0-based pixels). */
export interface ConditionClick {
  landmark: number;
  x: number;
  y: number;
}

/**
 * The click-to-condition widget's props: the face and the posterior over a small table of only the classes
 * it keeps (`reasoning.posteriorCompact`), as plain arrays.
 */
export interface ConditionState {
  kind: 'exemplar-landmarks/condition';
  /** Heading (shown as text). @default none */
  title?: string;
  /** The face as a PNG data URL, its size in pixels and the face box. */
  imageUrl: string;
  width: number;
  height: number;
  box: BoxJson;
  /** The compact table: K kept classes, their centres (K × 2N, box units), spreads, poses (K × 3), visibility (K × N). */
  nPoints: number;
  scheme?: string;
  K: number;
  centers: number[];
  sigma: number[];
  pose: number[];
  visibility: number[];
  /** Probabilities over the compact table (sum to 1), the full-table class of each, and the mass left out. */
  probs: number[];
  indices: number[];
  epsilon: number;
  /** Click noise sd in pixels. @default the reasoning default (1 % of the box diagonal) */
  clickSigma?: number;
  /** Display zoom. @default 2 */
  scale?: number;
  /** Heatmap grid columns. @default 48 */
  heatmapCols?: number;
  /** Suggest the next landmark to click (reasoning.nextClick). @default true */
  suggest?: boolean;
  /** Clicks already made (e.g. pasted back from a previous session). @default none */
  clicks?: ConditionClick[];
}

/** The click-to-condition widget's value. */
export interface ConditionValue {
  clicks: ConditionClick[];
  /** The conditioned shape (pixels, 0-based, 2N): clicked points on their clicks. */
  shape: number[];
  /** The same shape as `.pts` text (1-based, as `io.formatPts`). */
  pts: string;
  /** Milliseconds the last update took (conditioning, shape, ellipses, heatmap, marginals, suggestion). */
  ms: number;
}

/** A value with its credible interval. */
export interface IntervalJson {
  mean: number;
  lo: number;
  hi: number;
}

/** The video widget's props: frames as PNG data URLs and what reasoning says about each frame. */
export interface VideoState {
  kind: 'exemplar-landmarks/video';
  /** Heading (shown as text). @default none */
  title?: string;
  width: number;
  height: number;
  nPoints: number;
  scheme?: string;
  frames: string[];
  /** Per frame, the expected shape of the frame's own posterior (pixels, 2N). */
  prediction: number[][];
  /** Per frame, the HMM's Viterbi class drawn in the frame's box (pixels, 2N), and the class index. */
  path: number[][];
  pathClass: number[];
  /** Per frame, yaw and roll (degrees) with their `level` credible interval. */
  yaw: IntervalJson[];
  roll: IntervalJson[];
  level: number;
  /** Ground truth per frame when known (pixels, 2N). @default none */
  truth?: number[][];
  /** Display zoom. @default 3 */
  scale?: number;
}

/** The video widget's value: the frame shown. */
export interface VideoValue {
  frame: number;
}

/** One neighbour in the exemplars widget. */
export interface ExemplarJson {
  id: string;
  similarity: number;
  /** The exemplar's face (PNG data URL, landmarks drawn) when its image is known. @default none */
  imageUrl?: string;
}

/** The exemplars widget's props: a face and its nearest training exemplars by two embeddings. */
export interface ExemplarsState {
  kind: 'exemplar-landmarks/exemplars';
  title?: string;
  /** The face (PNG data URL, prediction drawn). */
  imageUrl: string;
  /** Caption of the face (as text), e.g. its file name. */
  label: string;
  /** Nearest exemplars by classifier weights w_k and by training-face features f, most similar first. */
  byWeights: ExemplarJson[];
  byFeatures: ExemplarJson[];
  /** Side in CSS pixels of each thumbnail. @default 96 */
  size?: number;
}
