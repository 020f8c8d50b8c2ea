/** Readers and writers for landmark and image formats (issue 4). */
export * from './atomic';
export * from './pts';
export * from './image';
export { exifOrientation, orientRaster } from './exif-orientation';
export { readImageHeader } from './image-header';
export type { ImageFormat, ImageHeader } from './image-header';
export { rasterToChannels, assertRaster } from './raster-channels';
export * from './ljson';
export * from './coco';
export * from './dlib-xml';
export { parseMat, readMat, encodeMat, writeMat } from './mat5';
export type { MatArray, MatClass, ParseMatOptions, MatMatrixInput, EncodeMatOptions } from './mat5';
export * from './mat-300wlp';
