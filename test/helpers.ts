/** Test helpers: shared data location, tolerance checks, tensor-leak checks. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
