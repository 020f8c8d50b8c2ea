/**
 * Face detection for the user's own photos and videos, with `@vladmandic/face-api` (its node-wasm build on
 * the project's tfjs; weights from inside its npm package). See faceApi.ts for the loading and state notes.
 */
export { load, unload, faceApiModelDir, type FaceDetectorModel } from './faceApi';
export { detectFaces, type DetectFacesOptions, type FaceDetection } from './detectFaces';
export { detectDataset, matchDetection, type DetectDatasetOptions } from './detectDataset';
export { boxIou } from './boxIou';
export { peerLandmarks68, peerCropBox, type PeerLandmarksOptions } from './peerLandmarks68';
export type { FaceLandmarkModel, FaceApiNet } from './faceApi';
