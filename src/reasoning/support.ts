/**
 * @internal What every public reasoning function does first: validate (table, posterior, box) once at the boundary and
 * turn the posterior into its support (classes and weights summing to 1), with the box as a pixel frame.
 */
import { boxValidate } from '../landmarks/box';
import type { Box } from '../types';
import {
  posteriorSupport,
  posteriorValidate,
  tableValidate,
  type PosteriorLike,
  type PosteriorSupport,
  type ReasoningTable,
} from './posterior';

/** The box as the map from box coordinates to pixels, and the per-coordinate sd factors. */
export interface PixelFrame {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /**
   * Pixels of per-coordinate standard deviation per unit of sigma, in x and y: a class's spherical Gaussian has
   * sigma_k² = E‖y_j − mu_kj‖² (the RMS point distance) = 2 s², so s = sigma_k / √2 in box units, times the box size.
   */
  readonly sdx: number;
  readonly sdy: number;
}

export function pixelFrame(box: Box): PixelFrame {
  return {
    x: box.x,
    y: box.y,
    w: box.width,
    h: box.height,
    sdx: box.width / Math.SQRT2,
    sdy: box.height / Math.SQRT2,
  };
}

/** Validates and returns the support (and the frame when a box is given). */
export function prepare(fn: string, posterior: PosteriorLike, table: ReasoningTable): PosteriorSupport {
  tableValidate(fn, table);
  posteriorValidate(fn, posterior, table.K);
  return posteriorSupport(posterior);
}

export function prepareBox(fn: string, box: Box): PixelFrame {
  boxValidate(fn, 'box', box);
  return pixelFrame(box);
}
