/** PNG bytes of a raster, for notebooks and files (io's encoder: one PNG encoder in the tree). */
import { encodeImage } from '../data/io/image';
import type { Raster } from '../types';

/**
 * The bytes of a PNG file showing `raster` (keeps gray, RGB or RGBA).
 * @example fs.writeFileSync('face.png', rasterToPng(img))
 */
export function rasterToPng(raster: Raster): Buffer {
  return encodeImage(raster, 'png');
}
