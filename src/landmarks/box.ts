/**
 * Boxes and box coordinates. A shape's box is the bounding box of its points (the 300-W / 300-VW
 * convention). Box coordinates map the box to the unit square: x' = (x − box.x) / box.width,
 * y' = (y − box.y) / box.height.
 */
import { ValueError } from '../errors';
import type { Box, Shape } from '../types';
import { describe } from '../util/validate';
import { shapeValidate } from './shape';

/**
 * Checks that `box` is an object with finite x, y and finite, positive width and height.
 * Throws ValueError naming the argument and the offending field.
 */
export function boxValidate(fn: string, name: string, box: unknown): asserts box is Box {
  if (typeof box !== 'object' || box === null) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a box {x, y, width, height}, got ${describe(box)}`,
    );
  }
  const b = box as Record<string, unknown>;
  for (const k of ['x', 'y', 'width', 'height'] as const) {
    const v = b[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValueError(`${fn}: argument '${name}' expected a finite ${k}, got ${k} = ${describe(v)}`);
    }
  }
  if ((b.width as number) <= 0 || (b.height as number) <= 0) {
    throw new ValueError(
      `${fn}: argument '${name}' expected a positive size, got width ${b.width as number} and height ${b.height as number}`,
    );
  }
}

/**
 * The bounding box of a shape's points (may have zero width or height for degenerate shapes).
 * @example const box = shapeBox(sample.landmarks)
 */
export function shapeBox(shape: Shape): Box {
  shapeValidate('shapeBox', 'shape', shape);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < shape.length; i += 2) {
    const x = shape[i];
    const y = shape[i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Pixel shape → box coordinates: x' = (x − box.x) / box.width, y' = (y − box.y) / box.height.
 * @example const norm = shapeToBox(s, shapeBox(s)) // in [0, 1]²
 */
export function shapeToBox(shape: Shape, box: Box): Float32Array {
  shapeValidate('shapeToBox', 'shape', shape);
  boxValidate('shapeToBox', 'box', box);
  const out = new Float32Array(shape.length);
  const { x, y, width, height } = box;
  for (let i = 0; i < shape.length; i += 2) {
    out[i] = (shape[i] - x) / width;
    out[i + 1] = (shape[i + 1] - y) / height;
  }
  return out;
}

/**
 * Box coordinates → pixel shape, the inverse of shapeToBox: x = box.x + x'·box.width.
 * @example const s = shapeFromBox(classCentre, detection)
 */
export function shapeFromBox(norm: Shape, box: Box): Float32Array {
  shapeValidate('shapeFromBox', 'norm', norm);
  boxValidate('shapeFromBox', 'box', box);
  const out = new Float32Array(norm.length);
  const { x, y, width, height } = box;
  for (let i = 0; i < norm.length; i += 2) {
    out[i] = x + norm[i] * width;
    out[i + 1] = y + norm[i + 1] * height;
  }
  return out;
}
