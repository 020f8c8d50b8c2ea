/**
 * COCO-style keypoint JSON: the 300-W / 300W-LP conversions used by mmpose (68 `keypoints` per face
 * annotation) and COCO-WholeBody (68 face points in `face_kpts`, box in `face_box`). Keypoints are
 * stored flat as `[x, y, v, …]`, 0-based pixels; `v` is COCO's flag (0 = not labelled, 1 = labelled
 * but not visible, 2 = labelled and visible; some conversions store 1 for every labelled point).
 */
import * as fs from 'node:fs';
import { FormatError, ShapeError, ValueError } from '../../errors';
import type { Box } from '../../types';
import { assertFiniteArray, assertOneOf, describe } from '../../util';
import { writeFileAtomic } from './atomic';
import { JsonFields, parseJsonText } from './json-text';
import { fileLabel } from './text';

/** One face annotation of a COCO keypoint file. */
export interface CocoFace {
  /** The annotation's id. */
  id: number;
  /** The image's id and its `file_name` (relative to the dataset's image folder). */
  imageId: number;
  image: string;
  /** The image size the file states, when it does. */
  imageWidth?: number;
  imageHeight?: number;
  /** The face box (`bbox`, or `face_box` for WholeBody; the landmarks' bounding box when the file has none). */
  box: Box;
  /** True when the file stored no box and `box` is the bounding box of the labelled landmarks. */
  boxFromLandmarks?: boolean;
  /** N landmarks `[x0, y0, …]`, 0-based pixels. */
  landmarks: Float32Array;
  /** Per landmark: COCO's visibility flag v (0, 1 or 2, as stored). */
  visibility: Uint8Array;
}

/** Options of {@link parseCocoKeypoints} and {@link readCocoKeypoints}. */
export interface ParseCocoOptions {
  /** File name for error messages. @default the path for readCocoKeypoints, '<input>' otherwise */
  file?: string;
  /**
   * Which keypoints hold the face: `'keypoints'` (300-W style), `'face_kpts'` (COCO-WholeBody), or
   * `'auto'` (`face_kpts` when the annotation has it, else `keypoints`).
   * @default 'auto'
   */
  keypoints?: 'auto' | 'keypoints' | 'face_kpts';
  /**
   * Skip annotations without a labelled face (WholeBody `face_valid: false`, or all flags 0) instead
   * of returning them.
   * @default true
   */
  skipUnlabelled?: boolean;
  /**
   * The file's coordinates are 1-based: subtract 1 from x and y (and the box corner). COCO itself is
   * 0-based, but conversions of 300-W data may keep the .pts numbers: mmpose's 300-VW JSON does.
   * @default false
   */
  oneBased?: boolean;
}

/** What {@link formatCocoKeypoints} writes. */
export interface CocoFaceInput {
  image: string;
  imageWidth?: number;
  imageHeight?: number;
  box: Box;
  landmarks: ArrayLike<number>;
  /** @default 2 for every point */
  visibility?: ArrayLike<number>;
}

/** Parses the text of a COCO keypoint JSON file into its face annotations. */
export function parseCocoKeypoints(text: string, opts: ParseCocoOptions = {}): CocoFace[] {
  return parseCocoAs('parseCocoKeypoints', text, opts);
}

/** Reads a COCO keypoint JSON file into its face annotations (in file order). */
export function readCocoKeypoints(path: string, opts: ParseCocoOptions = {}): CocoFace[] {
  if (typeof path !== 'string') {
    throw new ValueError(`readCocoKeypoints: argument 'path' expected a string, got ${describe(path)}`);
  }
  return parseCocoAs('readCocoKeypoints', fs.readFileSync(path, 'utf8'), {
    ...opts,
    file: opts.file ?? path,
  });
}

/** Formats faces as COCO keypoint JSON (one category "face"; image ids by first appearance). */
export function formatCocoKeypoints(faces: CocoFaceInput[]): string {
  return formatCocoAs('formatCocoKeypoints', faces);
}

/** Writes faces as a COCO keypoint JSON file, atomically. */
export function writeCocoKeypoints(path: string, faces: CocoFaceInput[]): void {
  if (typeof path !== 'string') {
    throw new ValueError(`writeCocoKeypoints: argument 'path' expected a string, got ${describe(path)}`);
  }
  writeFileAtomic(path, formatCocoAs('writeCocoKeypoints', faces));
}

function parseCocoAs(fn: string, text: string, opts: ParseCocoOptions): CocoFace[] {
  if (typeof text !== 'string')
    throw new ValueError(`${fn}: argument 'text' expected a string, got ${describe(text)}`);
  const which = opts.keypoints ?? 'auto';
  assertOneOf(fn, 'opts.keypoints', which, ['auto', 'keypoints', 'face_kpts']);
  const skipUnlabelled = opts.skipUnlabelled ?? true;
  const off = (opts.oneBased ?? false) ? 1 : 0;
  const file = opts.file;
  const j = new JsonFields(fn, file);
  const root = j.object(parseJsonText(fn, text, file), '(root)');
  const images = new Map<number, { name: string; width?: number; height?: number }>();
  j.array(root.images, 'images').forEach((im, i) => {
    const o = j.object(im, `images[${i}]`);
    const id = j.integer(o.id, `images[${i}].id`);
    const name = j.string(o.file_name, `images[${i}].file_name`);
    const width = o.width === undefined ? undefined : j.integer(o.width, `images[${i}].width`, 1);
    const height = o.height === undefined ? undefined : j.integer(o.height, `images[${i}].height`, 1);
    if (images.has(id)) j.fail(`images[${i}].id`, 'a unique image id', id);
    images.set(id, { name, width, height });
  });
  const out: CocoFace[] = [];
  j.array(root.annotations, 'annotations').forEach((an, i) => {
    const f = `annotations[${i}]`;
    const o = j.object(an, f);
    const useFace = which === 'face_kpts' || (which === 'auto' && o.face_kpts !== undefined);
    const kField = useFace ? 'face_kpts' : 'keypoints';
    const bField = useFace ? 'face_box' : 'bbox';
    if (useFace && o.face_valid === false && skipUnlabelled) return;
    const imageId = j.integer(o.image_id, `${f}.image_id`);
    const image = images.get(imageId);
    if (!image) {
      throw new FormatError(
        `${fn}: ${fileLabel(file)}: field ${f}.image_id: expected the id of an entry of images, got ${imageId} (no such image)`,
        { file },
      );
    }
    const kp = j.array(o[kField], `${f}.${kField}`);
    if (kp.length % 3 !== 0) j.fail(`${f}.${kField}`, 'a multiple of 3 values (x, y, v per point)', kp);
    const n = kp.length / 3;
    const landmarks = new Float32Array(2 * n);
    const visibility = new Uint8Array(n);
    let labelled = 0;
    for (let k = 0; k < n; k++) {
      landmarks[2 * k] = j.number(kp[3 * k], `${f}.${kField}[${3 * k}]`) - off;
      landmarks[2 * k + 1] = j.number(kp[3 * k + 1], `${f}.${kField}[${3 * k + 1}]`) - off;
      const v = j.number(kp[3 * k + 2], `${f}.${kField}[${3 * k + 2}]`);
      if (v !== 0 && v !== 1 && v !== 2)
        j.fail(`${f}.${kField}[${3 * k + 2}]`, 'a visibility flag 0, 1 or 2', v);
      visibility[k] = v;
      if (v > 0) labelled++;
    }
    if (skipUnlabelled && labelled === 0) return;
    let box: Box;
    let boxFromLandmarks = false;
    if (o[bField] === undefined) {
      // no box stored (mmpose's 300-VW JSON has only center/scale): the landmarks' bounding box,
      // the 300-W convention for ground-truth boxes
      box = landmarkBox(landmarks, visibility);
      boxFromLandmarks = true;
    } else {
      const bb = j.array(o[bField], `${f}.${bField}`);
      if (bb.length !== 4) j.fail(`${f}.${bField}`, '[x, y, width, height]', bb);
      const [x, y, width, height] = bb.map((v, k) => j.number(v, `${f}.${bField}[${k}]`));
      if (width < 0 || height < 0)
        j.fail(`${f}.${bField}`, 'a non-negative width and height', `${width}×${height}`);
      box = { x: x - off, y: y - off, width, height };
    }
    out.push({
      id: j.integer(o.id, `${f}.id`),
      imageId,
      image: image.name,
      ...(image.width !== undefined ? { imageWidth: image.width } : {}),
      ...(image.height !== undefined ? { imageHeight: image.height } : {}),
      box,
      ...(boxFromLandmarks ? { boxFromLandmarks } : {}),
      landmarks,
      visibility,
    });
  });
  return out;
}

/** Bounding box of the labelled points (all points when none is labelled). */
function landmarkBox(lm: Float32Array, vis: Uint8Array): Box {
  const any = vis.some((v) => v > 0);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < vis.length; k++) {
    if (any && vis[k] === 0) continue;
    x0 = Math.min(x0, lm[2 * k]);
    x1 = Math.max(x1, lm[2 * k]);
    y0 = Math.min(y0, lm[2 * k + 1]);
    y1 = Math.max(y1, lm[2 * k + 1]);
  }
  return Number.isFinite(x0)
    ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
    : { x: 0, y: 0, width: 0, height: 0 };
}

function formatCocoAs(fn: string, faces: CocoFaceInput[]): string {
  if (!Array.isArray(faces))
    throw new ValueError(`${fn}: argument 'faces' expected an array, got ${describe(faces)}`);
  const imageIds = new Map<string, number>();
  const images: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  faces.forEach((face, i) => {
    const a = `faces[${i}]`;
    if (face === null || typeof face !== 'object' || typeof face.image !== 'string') {
      throw new ValueError(`${fn}: argument '${a}.image' expected a file name, got ${describe(face?.image)}`);
    }
    const lm =
      ArrayBuffer.isView(face.landmarks) && !(face.landmarks instanceof Float32Array)
        ? Array.from(face.landmarks)
        : face.landmarks;
    assertFiniteArray(fn, `${a}.landmarks`, lm);
    if (lm.length % 2 !== 0)
      throw new ShapeError(`${fn}: argument '${a}.landmarks' expected an even length, got ${lm.length}`);
    const n = lm.length / 2;
    const vis = face.visibility === undefined ? new Array<number>(n).fill(2) : Array.from(face.visibility);
    if (vis.length !== n || vis.some((v) => v !== 0 && v !== 1 && v !== 2)) {
      throw new ValueError(
        `${fn}: argument '${a}.visibility' expected ${n} flags of 0, 1 or 2, got ${describe(face.visibility)}`,
      );
    }
    const b = face.box;
    const box = [b?.x, b?.y, b?.width, b?.height];
    assertFiniteArray(fn, `${a}.box`, box);
    if (!imageIds.has(face.image)) {
      imageIds.set(face.image, images.length + 1);
      images.push({
        id: images.length + 1,
        file_name: face.image,
        ...(face.imageWidth !== undefined ? { width: face.imageWidth } : {}),
        ...(face.imageHeight !== undefined ? { height: face.imageHeight } : {}),
      });
    }
    const keypoints: number[] = [];
    for (let k = 0; k < n; k++) keypoints.push(lm[2 * k], lm[2 * k + 1], vis[k]);
    annotations.push({
      id: i + 1,
      image_id: imageIds.get(face.image),
      category_id: 1,
      iscrowd: 0,
      bbox: box,
      area: box[2] * box[3],
      num_keypoints: vis.filter((v) => v > 0).length,
      keypoints,
    });
  });
  const categories = [{ supercategory: 'person', id: 1, name: 'face', keypoints: [], skeleton: [] }];
  return JSON.stringify({ images, annotations, categories }) + '\n';
}
