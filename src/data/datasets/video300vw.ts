/**
 * `video300vw`: 300-VW videos, one folder per video with `annot/NNNNNN.pts` (1-based frame numbers: the
 * first frame is 000001) and the frames either decoded from `vid.avi` with ffmpeg (cached) or read from an
 * existing `frames/` or `imgs/` folder of `NNNNNN.<ext>` images. Annotation k pairs with frame k.
 *
 * `Sample.group` is the video id (so a split never puts one video on both sides), `Sample.frame` the
 * 0-based frame index (annotation `NNNNNN.pts` is frame NNNNNN − 1; `meta.frameNumber` keeps NNNNNN).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormatError, ValueError } from '../../errors';
import { shapeBox } from '../../landmarks';
import { assertOneOf, describe, type Warnings } from '../../util';
import { readImage, readPts } from '../io';
import type { Dataset, SampleInfo } from './dataset';
import { isSkippableError } from './dataset';
import { ffmpegFrames, type FfmpegFramesOptions } from './ffmpegFrames';
import { type DatasetItem, DatasetLog, ItemsDataset } from './itemsDataset';
import { sniffImage } from './sniffImage';
import { vw300Category, type Vw300Category, VW300_VIDEOS } from './vw300Categories';

/** Options of {@link video300vw}. */
export interface Video300vwOptions extends FfmpegFramesOptions {
  /** Throw on the first broken item or frame-count disagreement instead of skipping with a warning. @default false */
  strict?: boolean;
  /** Sink that also receives every warning (they are always listed in `report().warnings`). @default undefined */
  warnings?: Warnings;
  /** The `.pts` coordinates are 1-based (the 300-VW convention). @default true */
  oneBased?: boolean;
  /** Convert frames to 1, 3 or 4 channels. @default undefined (as stored) */
  channels?: 1 | 3 | 4;
  /** Only these video ids (folder names). @default undefined (all) */
  videos?: readonly string[];
  /** Only the videos of this benchmark category (see `VW300_VIDEOS`). @default undefined (all) */
  category?: Vw300Category;
}

const FRAME_FILE = /^(\d+)\.(jpg|jpeg|png|ppm|pgm|webp|bmp)$/i;
const ANNOT_FILE = /^(\d+)\.pts$/i;

/** Up to 20 frame numbers for a message. */
function listFrames(nums: readonly number[]): string {
  const head = nums.slice(0, 20).join(', ');
  return nums.length > 20 ? `${head}, … (${nums.length} in all)` : head;
}

/** The frame images of a video folder by frame number: an existing frames/ or imgs/ folder, else vid.* decoded. */
function framesOf(fn: string, dir: string, opts: Video300vwOptions): Map<number, string> {
  const out = new Map<number, string>();
  for (const sub of ['frames', 'imgs']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      const m = FRAME_FILE.exec(f);
      if (m !== null && !out.has(Number(m[1]))) out.set(Number(m[1]), path.join(d, f));
    }
    if (out.size > 0) return out;
  }
  const video = fs.readdirSync(dir).find((f) => /^vid\.(avi|mp4|mkv|mov)$/i.test(f));
  if (video === undefined) {
    throw new FormatError(
      `${fn}: ${dir}: expected vid.avi or a frames/ or imgs/ folder of NNNNNN.jpg frames, found neither`,
      {
        file: dir,
      },
    );
  }
  const decoded = ffmpegFrames(fn, path.join(dir, video), opts);
  for (let k = 1; k <= decoded.count; k++) {
    out.set(k, path.join(decoded.dir, `${String(k).padStart(6, '0')}.${decoded.ext}`));
  }
  return out;
}

/** Video folders under `root`: root itself when it has annot/, else its sub-folders that do (sorted). */
function videoFolders(root: string): string[] {
  if (fs.existsSync(path.join(root, 'annot'))) return [root];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'annot')))
    .map((e) => path.join(root, e.name))
    .sort();
}

/**
 * 300-VW as a Dataset (a folder of video folders, or one video folder). Annotations are parsed while
 * indexing, frames decoded lazily. A video whose frames disagree with its annotations is a FormatError
 * naming the frames when `strict`, else a warning naming them (annotations without a frame are skipped).
 * @example const test3 = datasets.video300vw('/data/300VW_Dataset_2015_12_14', { category: 'test3' })
 */
export function video300vw(root: string, opts: Video300vwOptions = {}): Dataset {
  const fn = 'video300vw';
  if (
    typeof root !== 'string' ||
    root === '' ||
    !fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()
  ) {
    throw new ValueError(`${fn}: argument 'path' expected an existing folder, got ${describe(root)}`);
  }
  if (opts.category !== undefined) {
    assertOneOf(fn, 'opts.category', opts.category, Object.keys(VW300_VIDEOS) as Vw300Category[]);
  }
  if (
    opts.videos !== undefined &&
    (!Array.isArray(opts.videos) || opts.videos.some((v) => typeof v !== 'string'))
  ) {
    throw new ValueError(
      `${fn}: argument 'opts.videos' expected an array of video ids, got ${describe(opts.videos)}`,
    );
  }
  const strict = opts.strict ?? false;
  const oneBased = opts.oneBased ?? true;
  const channels = opts.channels;
  const log = new DatasetLog(opts.warnings);
  const items: DatasetItem[] = [];

  const fail = (file: string, e: unknown): void => {
    if (strict || !isSkippableError(e)) throw e;
    log.skip(fn, file, e.message);
  };

  let dirs = videoFolders(root);
  if (dirs.length === 0) {
    throw new ValueError(
      `${fn}: argument 'path' expected a 300-VW folder (video folders with annot/), got ${describe(root)}`,
    );
  }
  if (opts.videos !== undefined) dirs = dirs.filter((d) => opts.videos?.includes(path.basename(d)));
  if (opts.category !== undefined)
    dirs = dirs.filter((d) => VW300_VIDEOS[opts.category as Vw300Category].includes(path.basename(d)));

  for (const dir of dirs) {
    const video = path.basename(dir);
    const annotDir = path.join(dir, 'annot');
    const annots = new Map<number, string>();
    for (const f of fs.readdirSync(annotDir).sort()) {
      const m = ANNOT_FILE.exec(f);
      if (m !== null) annots.set(Number(m[1]), path.join(annotDir, f));
    }
    let frames: Map<number, string>;
    try {
      frames = framesOf(fn, dir, opts);
    } catch (e) {
      fail(dir, e);
      continue;
    }
    const noFrame = [...annots.keys()].filter((k) => !frames.has(k)).sort((a, b) => a - b);
    const noAnnot = [...frames.keys()].filter((k) => !annots.has(k)).sort((a, b) => a - b);
    if (noFrame.length > 0 || noAnnot.length > 0) {
      const parts = [`${frames.size} frames but ${annots.size} annotations`];
      if (noFrame.length > 0) parts.push(`annotations without a frame: ${listFrames(noFrame)}`);
      if (noAnnot.length > 0) parts.push(`frames without an annotation: ${listFrames(noAnnot)}`);
      const msg = `${fn}: video ${video} (${dir}): ${parts.join('; ')}`;
      if (strict) throw new FormatError(msg, { file: dir });
      log.warn('frame-count', msg);
      for (const k of noFrame) log.skip(fn, annots.get(k) as string, `no frame ${k} in video ${video}`);
    }
    const category = vw300Category(video);
    let size: { width: number; height: number } | undefined;
    for (const [k, ptsFile] of [...annots].sort((a, b) => a[0] - b[0])) {
      const imageFile = frames.get(k);
      if (imageFile === undefined) continue;
      let landmarks: Float32Array;
      try {
        landmarks = readPts(ptsFile, { oneBased });
      } catch (e) {
        fail(ptsFile, e);
        continue;
      }
      if (size === undefined) {
        // frames of one video share one size: read it once from the first frame's header
        const h = fs.existsSync(imageFile) ? sniffImage(imageFile) : undefined;
        if (h !== undefined && h.width > 0) size = { width: h.width, height: h.height };
      }
      const info: SampleInfo = {
        id: `${video}/${String(k).padStart(6, '0')}`,
        landmarks,
        box: shapeBox(landmarks),
        source: '300vw',
        group: video,
        frame: k - 1,
        meta: { video, category, frameNumber: k, file: ptsFile, imageFile },
      };
      if (size !== undefined) info.imageSize = size;
      items.push({
        info,
        file: imageFile,
        load: () => readImage(imageFile, channels === undefined ? {} : { channels }),
      });
    }
  }
  return new ItemsDataset(`video300vw(${root})`, items, log, strict, fn);
}
