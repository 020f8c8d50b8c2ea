/** Which landmark is nearest to a point (a click, a cursor): used by the widgets and notebooks. */

/**
 * Index of the point of `shape` nearest to (x, y), or -1 when none lies within `maxDistance`.
 * No validation (widgets call it on every click with a shape validated once).
 * @example nearestLandmark(shape, 120, 88) // → 30 (nose tip, say)
 */
export function nearestLandmark(shape: Float32Array, x: number, y: number, maxDistance = Infinity): number {
  let best = -1;
  let bestD = maxDistance * maxDistance;
  for (let i = 0, n = shape.length >> 1; i < n; i++) {
    const dx = shape[2 * i] - x;
    const dy = shape[2 * i + 1] - y;
    const d = dx * dx + dy * dy;
    // Strictly nearer wins, so ties go to the lower index.
    if (d < bestD || (best < 0 && d <= bestD)) {
      best = i;
      bestD = d;
    }
  }
  return best;
}
