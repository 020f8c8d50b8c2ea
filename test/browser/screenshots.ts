/**
 * Screenshot snapshots of widgets, kept in docs/images/ (the README shows them): a new screenshot is
 * compared with the stored PNG within a pixel tolerance; a missing one, or UPDATE_SNAPSHOTS=1, is
 * written (commit it). On mismatch the new image goes beside it as <name>-changed.png (git-ignored).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { io } from '../../src';
import { PROJECT_ROOT } from '../helpers';

export const IMAGES = path.join(PROJECT_ROOT, 'docs', 'images');

/** Text anti-aliasing and slider thumbs differ a little between runs and Chromium builds. */
export const SCREENSHOT_TOLERANCE = { mean: 2, offLevel: 32, offFraction: 0.02 };

export function expectScreenshot(name: string, png: Buffer, tol = SCREENSHOT_TOLERANCE): void {
  fs.mkdirSync(IMAGES, { recursive: true });
  const file = path.join(IMAGES, `${name}.png`);
  const changed = path.join(IMAGES, `${name}-changed.png`);
  if (!fs.existsSync(file) || process.env.UPDATE_SNAPSHOTS === '1') {
    fs.writeFileSync(file, png);
    console.log(`      wrote ${path.relative(PROJECT_ROOT, file)}`);
    return;
  }
  const a = io.readImage(file, { channels: 3 });
  const b = io.readImage(png, { channels: 3 });
  if (a.width !== b.width || a.height !== b.height) {
    fs.writeFileSync(changed, png);
    assert.fail(`${name}: size ${b.width}×${b.height}, stored ${a.width}×${a.height}; see ${changed}`);
  }
  let sum = 0;
  let off = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > tol.offLevel) off++;
  }
  const mean = sum / a.data.length;
  if (mean > tol.mean || off / a.data.length > tol.offFraction) {
    fs.writeFileSync(changed, png);
    assert.fail(
      `${name}: mean |diff| ${mean.toFixed(2)}, ${((100 * off) / a.data.length).toFixed(2)}% off; see ${changed}`,
    );
  }
  if (fs.existsSync(changed)) fs.rmSync(changed);
}
