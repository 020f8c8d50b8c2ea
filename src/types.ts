/**
 * Core data types shared by every stage. Plain objects over typed arrays: no classes, no tensors,
 * so that they cross module, worker and browser boundaries unchanged.
 */

/**
 * A 2D shape of N points, interleaved `[x0, y0, x1, y1, …]` (length 2N), in pixels of its image with
 * (0, 0) at the centre of the top-left pixel, unless a function says it works in box coordinates.
 */
export type Shape = Float32Array;

/** A 3D shape of N points, interleaved `[x0, y0, z0, …]` (length 3N). */
export type Shape3D = Float32Array;

/** An axis-aligned box in pixels: top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Head pose in degrees. Camera frame: x to the image's right, y down, z away from the camera.
 * Positive yaw turns the nose to the image's right (the subject's left); positive pitch tilts the nose
 * down; positive roll turns the face clockwise as seen in the image. The rotation is R = Rz(roll)·Rx(pitch)·Ry(yaw).
 */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/** An 8-bit image, row-major, channels interleaved (HWC). */
export interface Raster {
  width: number;
  height: number;
  /** 1 = grayscale, 3 = RGB, 4 = RGBA. */
  channels: 1 | 3 | 4;
  /** length width·height·channels */
  data: Uint8Array;
}

/** One annotated face. Datasets of every source (synthetic, 300-W, 300-VW, 300W-LP, …) yield these. */
export interface Sample {
  /** Unique within its dataset, e.g. 'helen/trainset/100032540_1' or 'synth/easy/42'. */
  id: string;
  /** The image the landmarks refer to (may be a crop). */
  image: Raster;
  /** N landmarks in image pixels (0-based). */
  landmarks: Shape;
  /** Per landmark: 1 = visible, 0 = self-occluded (when known). */
  visibility?: Uint8Array;
  /** Per landmark: 1 = hidden by an external occluder (when known). */
  occlusion?: Uint8Array;
  /** Ground-truth box: the landmarks' bounding box (300-W / 300-VW convention). */
  box: Box;
  /** A detector's box (simulated or real), when there is one. */
  detection?: Box;
  /** Head pose in degrees, when known (ground truth for synthetic and 300W-LP data). */
  pose?: HeadPose;
  /** Where it came from: 'synth', '300w', '300vw', '300wlp', 'menpo', 'dlib', 'coco', 'photo'. */
  source: string;
  /** Grouping key for splits: a video id or identity id; no group lands on both sides of a split. */
  group?: string;
  /** Frame index within a video, when it is one. */
  frame?: number;
  /** Anything else the source knows (identity and expression parameters, file paths, …). */
  meta?: Record<string, unknown>;
}
