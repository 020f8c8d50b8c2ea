/**
 * A helper thread for the 8-bit head's kernels (int8Head.ts): a Node worker that instantiates the same WebAssembly
 * module on the same shared memory and runs one kernel call at a time on a part of the classes, while the calling
 * thread runs the other part. Jobs go through a 32-word control block in that memory: the caller writes the kernel's
 * arguments and sets the state word (Atomics.notify); the worker runs the call and sets it to done. The caller blocks
 * in Atomics.wait until then (Node allows it on the main thread), so a prediction stays synchronous.
 *
 * Why: one face's passes over the head read 36–150 MB at K = 140,000, and one thread streams ~10 GB/s here; two
 * threads together ~17 GB/s (two processes side by side), and the batch passes are arithmetic that the second core
 * does as fast as the first. Measured: the coarse pass at batch 1, 3.07 → 1.70 ms; at batch 32, 59.7 → 29.7 ms.
 *
 * Node only: where `worker_threads` or shared WebAssembly memory is missing (a browser), `startHelper` returns null
 * and the head runs on one thread.
 */
import { EnvironmentError } from '../errors';

/** Kernels the worker runs (the control block's word 1). */
export const enum Job {
  Scores = 1,
  ExpectedList = 2,
  ExpectedDense = 3,
  Refine = 4,
}

/** Words of the control block (Int32, at `ctrl` in the shared memory). */
export const CTRL_WORDS = 32;
/** The control block's word that carries a float result (refine's maximum). */
const RESULT = 31;

const enum State {
  Idle = 0,
  Posted = 1,
  Done = 2,
  Exit = 3,
  Failed = 4,
}

/** How long the caller waits for one job before giving up on the helper (a job takes milliseconds). */
const JOB_TIMEOUT_MS = 60_000;

/** The worker's source: CommonJS, evaluated (no file to find from src or dist). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(memory.buffer, ctrl, ${CTRL_WORDS});
const f = new Float32Array(memory.buffer, ctrl, ${CTRL_WORDS});
for (;;) {
  Atomics.wait(c, 0, ${State.Idle});
  const s = Atomics.load(c, 0);
  if (s === ${State.Exit}) break;
  if (s !== ${State.Posted}) continue;
  try {
    switch (c[1]) {
      case ${Job.Scores}: ex.scores(c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], f[12], c[13]); break;
      case ${Job.ExpectedList}: ex.expectedList(c[2], c[3], c[4], c[5], c[6], c[7], c[8]); break;
      case ${Job.ExpectedDense}: ex.expectedDense(c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]); break;
      case ${Job.Refine}: f[${RESULT}] = ex.refine(c[2], c[3], c[4], f[5], c[6], c[7], c[8], c[9]); break;
      default: throw new Error('unknown job ' + c[1]);
    }
    Atomics.store(c, 0, ${State.Done});
  } catch (e) {
    Atomics.store(c, 0, ${State.Failed});
  }
  Atomics.notify(c, 0);
}
`;

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
}

/** One helper thread bound to one head's module and memory. */
export class HelperThread {
  private readonly c: Int32Array;
  private readonly f: Float32Array;
  private busy = false;
  private worker: WorkerLike | null;

  private constructor(worker: WorkerLike, buffer: ArrayBufferLike, ctrl: number) {
    this.worker = worker;
    this.c = new Int32Array(buffer, ctrl, CTRL_WORDS);
    this.f = new Float32Array(buffer, ctrl, CTRL_WORDS);
  }

  /**
   * Starts a helper on `module` over the shared `memory` (control block at byte `ctrl`), or returns null where Node's
   * worker_threads is not available. The worker does not keep the process alive.
   */
  static start(module: object, memory: { buffer: ArrayBufferLike }, ctrl: number): HelperThread | null {
    let Worker: new (code: string, opts: object) => WorkerLike;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ({ Worker } = require('node:worker_threads') as { Worker: typeof Worker });
    } catch {
      return null;
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, ctrl },
      // the worker holds no data of its own: a small heap keeps its isolate to ~9 MB
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 2 },
    });
    worker.unref();
    return new HelperThread(worker, memory.buffer, ctrl);
  }

  /** Posts one kernel call: integer arguments, and float ones at the given argument positions. */
  post(job: Job, args: number[], floatAt: number[] = []): void {
    if (!this.worker) throw new EnvironmentError('Int8Head: the helper thread was stopped (dispose)');
    if (this.busy) throw new EnvironmentError('Int8Head: a helper job is still running');
    const { c, f } = this;
    c[1] = job;
    args.forEach((v, i) => {
      if (floatAt.includes(i)) f[2 + i] = v;
      else c[2 + i] = v;
    });
    this.busy = true;
    Atomics.store(c, 0, State.Posted);
    Atomics.notify(c, 0);
  }

  /** Blocks until the posted call is done; returns its float result (refine's maximum; 0 for the others). */
  join(): number {
    const { c } = this;
    const start = Date.now();
    for (;;) {
      const s = Atomics.load(c, 0);
      if (s === State.Done) break;
      if (s === State.Failed) {
        this.busy = false;
        Atomics.store(c, 0, State.Idle);
        throw new EnvironmentError('Int8Head: a kernel call failed in the helper thread');
      }
      if (Date.now() - start > JOB_TIMEOUT_MS) {
        this.stop();
        throw new EnvironmentError(
          `Int8Head: the helper thread did not finish a kernel call in ${JOB_TIMEOUT_MS / 1000} s; it was stopped`,
        );
      }
      Atomics.wait(c, 0, s, 100);
    }
    this.busy = false;
    const r = this.f[RESULT];
    Atomics.store(c, 0, State.Idle);
    return r;
  }

  /** Stops the worker (idempotent). */
  stop(): void {
    if (!this.worker) return;
    Atomics.store(this.c, 0, State.Exit);
    Atomics.notify(this.c, 0);
    void this.worker.terminate();
    this.worker = null;
    this.busy = false;
  }
}
