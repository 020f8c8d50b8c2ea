/** Readers and writers for landmark and image formats (issue 4). */
export * from './atomic';
export * from './pts';
export * from './image';
export { readImageHeader } from './image-header';
export type { ImageFormat, ImageHeader } from './image-header';
export { rasterToChannels, assertRaster } from './raster-channels';
