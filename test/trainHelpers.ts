/** Helpers of the training tests: a tiny model configuration and a model's weights copied out. */
import type { ExemplarModel } from '../src/model';

/** A tiny backbone for 16 × 16 inputs (trains in well under a second a step). */
export const tinyModelOptions = { input: { size: 16 }, widths: [8, 16], featureDim: 16 };

/** Backbone weights, head rows and biases, copied out. */
export function modelWeights(m: ExemplarModel): Float32Array[] {
  return [
    ...m.backbone.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array)),
    Float32Array.from(m.headWeights()),
    Float32Array.from(m.headB),
  ];
}
