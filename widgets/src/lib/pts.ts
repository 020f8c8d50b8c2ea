/**
 * The `.pts` text of a shape, for the widgets' "copy" output: the same layout and 1-based coordinates as
 * `io.formatPts` (whose module also reads and writes files, so it cannot be bundled for the page). The
 * browser tests parse this text with `io.parsePts` in Node and compare it with the widget's shape.
 */
export function ptsText(shape: ArrayLike<number>, decimals = 3): string {
  const n = shape.length >> 1;
  const lines = ['version: 1', `n_points:  ${n}`, '{'];
  for (let i = 0; i < n; i++)
    lines.push(`${(shape[2 * i] + 1).toFixed(decimals)} ${(shape[2 * i + 1] + 1).toFixed(decimals)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
