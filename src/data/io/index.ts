/**
 * Readers and writers for landmark and image formats: .pts, .ljson, dlib XML, COCO keypoints, MATLAB v5 and
 * 300W-LP .mat, images. All synchronous; every writer writes atomically.
 *
 * @module
 */
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
