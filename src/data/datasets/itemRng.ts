/** A generator for one item of a dataset, derived from a seed and the item's index, so that random choices
 * per item (flip or not, detection jitter) do not depend on the order items are visited in. */
import { Rng } from '../../util';

export function itemRng(seed: number, i: number): Rng {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) ^ Math.floor(seed / 2 ** 32);
  h = Math.imul(h ^ (h >>> 15) ^ (i >>> 0), 0xc2b2ae35);
  h ^= Math.imul(Math.floor(i / 2 ** 32) + 0x27d4eb2f, 0x165667b1);
  return new Rng(h >>> 0);
}
