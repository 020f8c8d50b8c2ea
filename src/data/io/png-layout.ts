/** PNG layout facts shared by the decoder, the integrity check and the tests' PNG writer (PNG spec §6–8). */

/** Samples per pixel by colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA; 1 and 5 are not types). */
export const PNG_SAMPLES = [1, 0, 3, 1, 2, 0, 4] as const;

/** Adam7 interlace passes: start x, start y, step x, step y. */
export const ADAM7_PASSES: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

/** Bytes of one filtered row (without its filter byte) of `width` pixels. */
export function pngRowBytes(width: number, colorType: number, depth: number): number {
  return Math.ceil((width * PNG_SAMPLES[colorType] * depth) / 8);
}
