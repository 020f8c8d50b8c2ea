/**
 * Datasets: sources (300-W folders, 300-VW videos, in-memory samples), composition, splits, augmentation.
 *
 * @module
 */
export type { Dataset, DatasetReport, SampleInfo, SkippedItem } from './dataset';
export { folder, type FolderOptions } from './folder';
export { fromSamples, type FromSamplesOptions, type RandomAccessSamples } from './fromSamples';
export { concat } from './concat';
export { filter } from './filter';
export { everyNth, type EveryNthOptions } from './everyNth';
export { subset, type SubsetOptions } from './subset';
export { splitByGroup, type SplitByGroupOptions } from './splitByGroup';
export { flipAugment, sampleFlip, type FlipAugmentOptions } from './flipAugment';
export { rasterFlip } from './rasterFlip';
export { withDetections, type DetectionJitter, type WithDetectionsOptions } from './withDetections';
export { w300Train, type W300TrainOptions } from './w300Train';
export { video300vw, type Video300vwOptions } from './video300vw';
export { VW300_VIDEOS, vw300Category, type Vw300Category } from './vw300Categories';
export type { FfmpegFramesOptions } from './ffmpegFrames';
