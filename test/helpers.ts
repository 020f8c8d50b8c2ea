/** Test helpers: shared data location, tolerance checks, tensor-leak checks, PNG snapshots. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readImage, writeImage } from '../src/data/io/image';
import type { Raster } from '../src/types';

/** `../shared/data` beside the project root; absent on a user's clone. */
export const SHARED_DATA = path.resolve(__dirname, '..', '..', 'shared', 'data');
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** True when ../shared/data is present. */
export function hasSharedData(): boolean {
  return fs.existsSync(SHARED_DATA);
}

/**
 * Call inside a mocha `before`/`it` (with `function () {}` so `this` is the context): skips with a clear
 * message when ../shared/data is absent.
 */
export function requireSharedData(ctx: Mocha.Context, sub = ''): string {
  const p = path.join(SHARED_DATA, sub);
  if (!fs.existsSync(p)) {
    console.log(`      (skipped: ${p} is absent; it ships only with the project's shared data)`);
    ctx.skip();
  }
  return p;
}

/** Max absolute difference check with a readable failure message. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = '',
): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what} max |diff| ${worst} at ${at} (actual ${actual[at]}, expected ${expected[at]}) > ${tol}`,
  );
}

/** Relative error ||a-b|| / max(||b||, eps). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

/** How far a rendered image may drift from its stored PNG snapshot (per channel value, 0..255). */
export interface PngTolerance {
  /** Largest allowed mean |difference| over all values. */
  mean: number;
  /** A value differing by more than this many levels counts as off. */
  offLevel: number;
  /** Largest allowed fraction of values that are off. */
  offFraction: number;
}

/**
 * Compares `raster` with test/snapshots/<name>.png within `tolerance` (STYLE §11). A missing snapshot,
 * or UPDATE_SNAPSHOTS=1, writes it (commit it). On mismatch the new image is written beside the stored
 * one as <name>-changed.png (git-ignored) and the test fails; on a match a stale -changed.png is removed.
 */
export function expectPngSnapshot(name: string, raster: Raster, opts: { tolerance: PngTolerance }): void {
  const { mean: maxMean, offLevel, offFraction: maxOff } = opts.tolerance;
  const file = path.join(__dirname, 'snapshots', `${name}.png`);
  const changed = path.join(__dirname, 'snapshots', `${name}-changed.png`);
  if (!fs.existsSync(file) || process.env.UPDATE_SNAPSHOTS === '1') {
    writeImage(file, raster);
    console.log(`      wrote ${file}`);
    return;
  }
  const ref = readImage(file, { channels: raster.channels });
  assert.deepEqual([ref.width, ref.height], [raster.width, raster.height], `${name}: size`);
  let sum = 0;
  let off = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const d = Math.abs(ref.data[i] - raster.data[i]);
    sum += d;
    if (d > offLevel) off++;
  }
  const mean = sum / ref.data.length;
  const offFraction = off / ref.data.length;
  if (mean > maxMean || offFraction > maxOff) {
    writeImage(changed, raster);
    assert.fail(
      `${name}: mean |diff| ${mean.toFixed(2)}, ${(100 * offFraction).toFixed(2)}% of values off by > ${offLevel}; see ${changed}`,
    );
  }
  if (fs.existsSync(changed)) fs.rmSync(changed);
}

/**
 * src/reasoning bundled by esbuild for the browser (an IIFE defining the global `xlReasoning`), as the widgets
 * bundle it: the text to run in a bare `vm` context.
 */
export async function reasoningBrowserBundle(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'src', 'reasoning', 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'xlReasoning',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}
