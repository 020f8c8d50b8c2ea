/** The tensor backends `engine.init` can select, in the order it tries them. */
export const backends = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/**
 * `tensorflow-gpu`: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA); `tensorflow`: `@tensorflow/tfjs-node`
 * (libtensorflow on the CPU); `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD, one thread in Node) with the
 * training kernels this module adds; `cpu`: tfjs's pure-JavaScript backend (slow, always there).
 */
export type BackendName = (typeof backends)[number];

/** True when `name` is one of {@link backends}. */
export function isBackendName(name: string): name is BackendName {
  return (backends as readonly string[]).includes(name);
}
