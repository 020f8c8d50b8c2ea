/** Shared inputs of the widget browser tests. */
import { type Sample, type classes, landmarks, model } from '../../src';

/** A label that would run code if any widget inserted it as HTML. */
export const HOSTILE = '<script>window.pwned = 1</script><img src="x.png" onerror="window.pwned = 2">';

/**
 * A test posterior for one face: p_k ∝ exp(−d_k² / 2s²), d_k the RMS point distance (box units) of the
 * face's true shape from class k's centre. Not a model's prediction, but a real posterior over the table.
 */
export function shapePosterior(table: classes.ClassTable, face: Sample, s: number): Float64Array {
  const y = landmarks.shapeToBox(face.landmarks, model.referenceBox(face));
  const D = 2 * table.nPoints;
  const logit = new Float64Array(table.K);
  for (let k = 0; k < table.K; k++) {
    let d2 = 0;
    for (let j = 0; j < D; j++) d2 += (table.centers[k * D + j] - y[j]) ** 2;
    logit[k] = -d2 / table.nPoints / (2 * s * s);
  }
  const max = Math.max(...logit);
  let z = 0;
  for (let k = 0; k < table.K; k++) z += logit[k] = Math.exp(logit[k] - max);
  return logit.map((v) => v / z);
}
