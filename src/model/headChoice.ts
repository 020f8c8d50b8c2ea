/**
 * Which K-way head `train` uses, chosen by the backend's capability rather than by K alone.
 *
 * - On an accelerated backend ('tensorflow' = tfjs-node / tfjs-node-gpu, 'webgl', 'webgpu') the head is dense on the
 *   engine at any K whose estimated memory (`denseHeadBytes`: W, b, their gradients and Adam's two moments, plus the
 *   step's B × K scores, targets and their gradients) fits in `denseMaxBytes` (4 GiB by default: K = 140,000,
 *   D = 256, B = 64 needs about 0.8 GB). The targets go up as indices and are built on the device, so no B × K array
 *   crosses from JavaScript. Beyond the budget, multiLabel falls back to the sampled head; softmax and softTarget stay
 *   dense (they have no sampled form) and may then run out of memory, which the reason says.
 * - On 'wasm' and 'cpu' the matrix products run on the CPU, where a step costs O(B·K·D) for the dense head against
 *   O(B·(|P| + n)·D) for the sampled one: dense when K ≤ DENSE_MAX_K or the loss is not multiLabel, else sampled
 *   (measured crossover, see DENSE_MAX_K).
 *
 * An explicit `head` wins (with 'sampled' only for multiLabel). The reason string is what the bench prints.
 */
import { ValueError } from '../errors';
import type { LossKind } from './config';

/**
 * Largest K trained with a dense head on the CPU backends when `head` is 'auto' (multiLabel). Measured on wasm,
 * 64×64, batch 64 (load ~3 on 2 cores): sampled/dense images/s 77/46 at K = 20,000, 86/72 at 5,000, 93/87 at 2,000.
 */
export const DENSE_MAX_K = 5000;

/** Default memory budget of the dense head on an accelerated backend (bytes). */
export const DENSE_ENGINE_MAX_BYTES = 4 * 2 ** 30;

/** Backends whose matrix products run on an accelerator or on libtensorflow's own threads. */
export const ENGINE_DENSE_BACKENDS = ['tensorflow', 'webgl', 'webgpu'] as const;

/** What chooseHead is asked. */
export interface HeadQuery {
  /** tfjs backend name (`tf.getBackend()`). */
  backend: string;
  K: number;
  D: number;
  batchSize: number;
  loss: LossKind;
  head: 'auto' | 'dense' | 'sampled';
  denseMaxBytes: number;
}

/** The head and why. */
export interface HeadChoice {
  head: 'dense' | 'sampled';
  reason: string;
}

/**
 * Estimated engine memory of a dense head step in bytes (float32): W and b with their gradients and two Adam
 * moments (4 × K(D + 1)), and about six B × K arrays per step (scores, targets, softplus or log-softmax, gradients).
 */
export function denseHeadBytes(K: number, D: number, batchSize: number): number {
  return 4 * (4 * K * (D + 1) + 6 * batchSize * K);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Chooses the head for a training run (rule in the file header). */
export function chooseHead(fn: string, q: HeadQuery): HeadChoice {
  if (q.head === 'sampled') {
    if (q.loss !== 'multiLabel') {
      throw new ValueError(
        `${fn}: argument 'head' 'sampled' expected loss 'multiLabel', got loss '${q.loss}'`,
      );
    }
    return { head: 'sampled', reason: "head 'sampled' requested" };
  }
  if (q.head === 'dense') return { head: 'dense', reason: "head 'dense' requested" };
  const accelerated = (ENGINE_DENSE_BACKENDS as readonly string[]).includes(q.backend);
  if (accelerated) {
    const bytes = denseHeadBytes(q.K, q.D, q.batchSize);
    if (bytes <= q.denseMaxBytes) {
      return {
        head: 'dense',
        reason: `backend '${q.backend}' runs the dense head on the engine at any K that fits: ${mb(bytes)} ≤ denseMaxBytes ${mb(q.denseMaxBytes)}`,
      };
    }
    if (q.loss === 'multiLabel') {
      return {
        head: 'sampled',
        reason: `backend '${q.backend}': the dense head needs ${mb(bytes)} > denseMaxBytes ${mb(q.denseMaxBytes)}`,
      };
    }
    return {
      head: 'dense',
      reason: `backend '${q.backend}': loss '${q.loss}' has only a dense head (${mb(bytes)} > denseMaxBytes ${mb(q.denseMaxBytes)}: may not fit)`,
    };
  }
  if (q.loss !== 'multiLabel') {
    return { head: 'dense', reason: `loss '${q.loss}' has only a dense head` };
  }
  if (q.K <= DENSE_MAX_K) {
    return {
      head: 'dense',
      reason: `backend '${q.backend}' runs on the CPU: K ${q.K} ≤ DENSE_MAX_K ${DENSE_MAX_K}`,
    };
  }
  return {
    head: 'sampled',
    reason: `backend '${q.backend}' runs on the CPU: K ${q.K} > DENSE_MAX_K ${DENSE_MAX_K}, the sampled head is faster`,
  };
}
