/**
 * `folder`: a 300-W style tree of images with iBUG `.pts` annotations beside them.
 *
 * Pairing, per `.pts` file `dir/stem.pts`:
 * 1. an image `dir/stem.<ext>` (one face per image, e.g. the 300-W crops);
 * 2. else, when the stem ends in a face number (`name_1`, `name_2`, … : `_` and 1–2 digits without a
 *    leading zero), the photo `dir/name.<ext>` (several faces in one photo, one Sample each);
 * 3. else the only image in the tree with that stem or name (annotations kept in a folder of their own,
 *    as dlib's `pts_from_xml/`);
 * otherwise the annotation is skipped with the warning 'annotation without an image'.
 * Extensions tried in order: jpg, jpeg, png, ppm, pgm, pnm, webp, bmp (any case).
 *
 * `Sample.group` is the photo (`dir/name` without the face number), so the faces of one photo stay on one
 * side of a split; `Sample.box` is the landmarks' bounding box; `detection` is left unset.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormatError, ValueError } from '../../errors';
import { shapeBox } from '../../landmarks';
import type { Raster } from '../../types';
import { assertInteger, describe, type Warnings } from '../../util';
import { type ImageHeader, readImage, readPts } from '../io';
import type { Dataset, SampleInfo } from './dataset';
import { isSkippableError } from './dataset';
import { sniffImage } from './sniffImage';
import { type DatasetItem, DatasetLog, ItemsDataset } from './itemsDataset';

/** Options of {@link folder}. */
export interface FolderOptions {
  /** Throw the reader's named error on the first broken item instead of skipping it with a warning. @default false */
  strict?: boolean;
  /** Sink that also receives every warning (they are always listed in `report().warnings`). @default undefined */
  warnings?: Warnings;
  /** The `.pts` coordinates are 1-based (the 300-W convention). @default true */
  oneBased?: boolean;
  /** Convert images to 1 (gray), 3 (RGB) or 4 (RGBA) channels. @default undefined (as stored) */
  channels?: 1 | 3 | 4;
  /** Descend into sub-folders. @default true */
  recursive?: boolean;
  /**
   * Decode images when a sample is asked for (true) or all of them while indexing (false: slower to build,
   * keeps every image in memory, and undecodable images are skipped before `size` is fixed). @default true
   */
  lazyImages?: boolean;
  /** Every annotation must have this many points (others are skipped, or thrown when strict). @default undefined (any) */
  expectedPoints?: number;
  /** The samples' `source`. @default '300w' */
  source?: string;
}

const IMAGE_EXTS = ['.jpg', '.jpeg', '.png', '.ppm', '.pgm', '.pnm', '.webp', '.bmp'];
const FACE_SUFFIX = /^(.*)_([1-9]\d?)$/;

interface Listing {
  pts: string[];
  /** image files by folder-relative stem `dir/stem` (POSIX) and by bare stem */
  byKey: Map<string, string>;
  byStem: Map<string, string[]>;
}

function listTree(root: string, recursive: boolean): Listing {
  const out: Listing = { pts: [], byKey: new Map(), byStem: new Map() };
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    const entries = fs
      .readdirSync(abs, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (recursive) walk(r);
        continue;
      }
      if (
        !e.isFile() &&
        !(e.isSymbolicLink() && fs.statSync(path.join(root, r), { throwIfNoEntry: false })?.isFile())
      )
        continue;
      const ext = path.extname(e.name).toLowerCase();
      if (ext === '.pts') {
        out.pts.push(r);
      } else if (IMAGE_EXTS.includes(ext)) {
        const key = r.slice(0, r.length - ext.length);
        const prev = out.byKey.get(key);
        // several images with one stem (a.jpg, a.png): keep the first extension in IMAGE_EXTS order
        if (
          prev === undefined ||
          IMAGE_EXTS.indexOf(path.extname(prev).toLowerCase()) > IMAGE_EXTS.indexOf(ext)
        ) {
          out.byKey.set(key, r);
        }
        const stem = path.basename(key);
        const list = out.byStem.get(stem) ?? [];
        if (!list.includes(key)) list.push(key);
        out.byStem.set(stem, list);
      }
    }
  };
  walk('');
  return out;
}

/** Finds the image of an annotation (see the module comment); returns its key `dir/stem` or undefined. */
function pairImage(ptsRel: string, t: Listing): string | undefined {
  const key = ptsRel.slice(0, -4);
  if (t.byKey.has(key)) return key;
  const dir = path.posix.dirname(key);
  const stem = path.posix.basename(key);
  const m = FACE_SUFFIX.exec(stem);
  if (m !== null) {
    const photo = dir === '.' ? m[1] : `${dir}/${m[1]}`;
    if (t.byKey.has(photo)) return photo;
  }
  for (const s of m !== null ? [stem, m[1]] : [stem]) {
    const cands = t.byStem.get(s);
    if (cands !== undefined && cands.length === 1) return cands[0];
  }
  return undefined;
}

/** The photo an annotation belongs to: its image key without a face number. */
function photoOf(imageKey: string): string {
  const m = FACE_SUFFIX.exec(path.posix.basename(imageKey));
  if (m === null) return imageKey;
  const dir = path.posix.dirname(imageKey);
  return dir === '.' ? m[1] : `${dir}/${m[1]}`;
}

/**
 * A 300-W style folder as a Dataset: `.pts` files are parsed while indexing (cheap), images decoded lazily.
 * Broken items are skipped with a warning and listed in `report()`, or thrown with `strict: true`.
 * @example const ds = datasets.folder('../shared/data/300w-train'); console.log(ds.size, ds.report())
 */
export function folder(root: string, opts: FolderOptions = {}): Dataset {
  const fn = 'folder';
  if (typeof root !== 'string' || root === '') {
    throw new ValueError(`${fn}: argument 'path' expected a folder path, got ${describe(root)}`);
  }
  const st = fs.statSync(root, { throwIfNoEntry: false });
  if (st === undefined || !st.isDirectory()) {
    throw new ValueError(
      `${fn}: argument 'path' expected an existing folder, got ${describe(root)} (${st === undefined ? 'not found' : 'not a folder'})`,
    );
  }
  const strict = opts.strict ?? false;
  const oneBased = opts.oneBased ?? true;
  const recursive = opts.recursive ?? true;
  const lazy = opts.lazyImages ?? true;
  const channels = opts.channels;
  const source = opts.source ?? '300w';
  if (channels !== undefined && channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ValueError(`${fn}: argument 'opts.channels' expected 1, 3 or 4, got ${describe(channels)}`);
  }
  if (opts.expectedPoints !== undefined) assertInteger(fn, 'opts.expectedPoints', opts.expectedPoints, 1);

  const log = new DatasetLog(opts.warnings);
  const listing = listTree(root, recursive);
  const items: DatasetItem[] = [];
  const fail = (file: string, e: unknown): void => {
    if (strict || !isSkippableError(e)) throw e;
    log.skip(fn, file, e.message);
  };

  const headers = new Map<string, ImageHeader | null>();
  for (const ptsRel of listing.pts) {
    const ptsFile = path.join(root, ptsRel);
    const key = pairImage(ptsRel, listing);
    if (key === undefined) {
      if (strict) {
        throw new FormatError(
          `${fn}: ${ptsFile}: annotation without an image (no ${IMAGE_EXTS.join('/')} of that name)`,
          {
            file: ptsFile,
          },
        );
      }
      log.skip(fn, ptsFile, 'annotation without an image');
      continue;
    }
    const imageFile = path.join(root, listing.byKey.get(key) as string);
    let header = headers.get(imageFile);
    if (header === undefined) {
      try {
        header = sniffImage(imageFile) ?? null;
      } catch (e) {
        fail(imageFile, e);
        continue;
      }
      headers.set(imageFile, header);
    }
    if (header === null) {
      fail(
        imageFile,
        new FormatError(
          `${fn}: ${imageFile}: not a recognised image (empty, or not JPEG/PNG/WebP/GIF/BMP/Netpbm)`,
          {
            file: imageFile,
          },
        ),
      );
      continue;
    }
    let landmarks: Float32Array;
    try {
      landmarks = readPts(ptsFile, { oneBased, expectedPoints: opts.expectedPoints });
    } catch (e) {
      fail(ptsFile, e);
      continue;
    }
    const id = ptsRel.slice(0, -4);
    const slash = id.indexOf('/');
    const info: SampleInfo = {
      id,
      landmarks,
      box: shapeBox(landmarks),
      source,
      group: photoOf(key),
      meta: { file: ptsFile, imageFile, subset: slash < 0 ? '' : id.slice(0, slash) },
    };
    if (header.width > 0 && header.height > 0)
      info.imageSize = { width: header.width, height: header.height };
    const load = (): Raster => readImage(imageFile, channels === undefined ? {} : { channels });
    if (lazy) {
      items.push({ info, load, file: imageFile });
      continue;
    }
    try {
      const image = load();
      info.imageSize = { width: image.width, height: image.height };
      items.push({ info, load: () => image, file: imageFile });
    } catch (e) {
      fail(imageFile, e);
    }
  }
  return new ItemsDataset(`folder(${root})`, items, log, strict, fn);
}
