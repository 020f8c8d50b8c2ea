/**
 * Built-in synthetic faces: a textured 3D scan rendered with variation, stills and videos with exact ground truth.
 *
 * @module
 */
export { faces } from './faces';
export type { SynthSet } from './synthSet';
export {
  type FacesOptions,
  type VideoOptions,
  type SynthOptions,
  type PresetName,
  type PoseDistribution,
  type OccluderKind,
  type BackgroundKind,
  type JawMode,
  JAW_MODES,
  PRESET_NAMES,
  POSE_DISTRIBUTIONS,
  OCCLUDER_KINDS,
  BACKGROUNDS,
  POSE_LIMITS,
} from './options';
export { IDENTITY_PARAMS, EXPRESSION_PARAMS, type Identity, type Expression } from './blendShapes';
export { loadFaceModel, type FaceModel } from './faceModel';
export { video } from './video';
export { exportSamples, EXPORT_LAYOUTS, type ExportLayout, type ExportOptions } from './exportSet';
