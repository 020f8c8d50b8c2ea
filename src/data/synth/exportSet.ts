/**
 * Writes samples to disk in the layouts other tools read: 300-W style (`<name>.jpg` + `<name>.pts` side by
 * side) or 300-VW style (`frames/NNNNNN.jpg` + `annot/NNNNNN.pts`, frames numbered from 1). Points are
 * written 1-based, as those datasets do. Every file is written atomically (io.writeImage / io.writePts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValueError } from '../../errors';
import type { Sample } from '../../types';
import { assertInteger, assertOneOf, describe } from '../../util/validate';
import { writeImage } from '../io/image';
import { writePts } from '../io/pts';

/** Folder layouts of `exportSamples`: '300w' (image + .pts side by side) or '300vw' (frames/ + annot/). */
export const EXPORT_LAYOUTS = ['300w', '300vw'] as const;
/** An export layout. */
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** Options of exportSamples. */
export interface ExportOptions {
  /** '300w' (image + .pts side by side) or '300vw' (frames/ + annot/). @default '300w' */
  layout?: ExportLayout;
  /** JPEG quality 0..100. @default 95 */
  quality?: number;
  /** File-name prefix of the 300-W layout. @default 'synth_' */
  prefix?: string;
}

/**
 * Writes every sample of `samples` under `dir` (created if needed) and returns the image paths written.
 * @example synth.exportSamples(synth.faces({ n: 500, seed: 1, channels: 3, size: 128 }), 'out/synth300w')
 * @example synth.exportSamples(synth.video({ frames: 300, channels: 3 }), 'out/vid001', { layout: '300vw' })
 */
export function exportSamples(samples: Iterable<Sample>, dir: string, opts: ExportOptions = {}): string[] {
  const fn = 'exportSamples';
  if (typeof dir !== 'string' || dir === '') {
    throw new ValueError(`${fn}: argument 'dir' expected a folder path, got ${describe(dir)}`);
  }
  if (samples === null || typeof (samples as Partial<Iterable<Sample>>)[Symbol.iterator] !== 'function') {
    throw new ValueError(
      `${fn}: argument 'samples' expected an iterable of samples, got ${describe(samples)}`,
    );
  }
  const layout = opts.layout ?? '300w';
  assertOneOf(fn, 'layout', layout, EXPORT_LAYOUTS);
  const quality = opts.quality ?? 95;
  assertInteger(fn, 'quality', quality, 0, 100);
  const prefix = opts.prefix ?? 'synth_';
  if (typeof prefix !== 'string' || /[/\\]/.test(prefix)) {
    throw new ValueError(
      `${fn}: argument 'prefix' expected a file-name prefix without slashes, got ${describe(prefix)}`,
    );
  }
  const imgDir = layout === '300vw' ? path.join(dir, 'frames') : dir;
  const ptsDir = layout === '300vw' ? path.join(dir, 'annot') : dir;
  fs.mkdirSync(imgDir, { recursive: true });
  fs.mkdirSync(ptsDir, { recursive: true });
  const written: string[] = [];
  let i = 0;
  for (const s of samples) {
    const num = String(layout === '300vw' ? (s.frame ?? i) + 1 : i + 1).padStart(6, '0');
    const name = layout === '300vw' ? num : `${prefix}${num}`;
    const img = path.join(imgDir, `${name}.jpg`);
    writeImage(img, s.image, { quality });
    writePts(path.join(ptsDir, `${name}.pts`), s.landmarks, { oneBased: true });
    written.push(img);
    i++;
  }
  return written;
}
