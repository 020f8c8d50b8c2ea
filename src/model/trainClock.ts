/**
 * The trainer's clock: running loss and throughput of the epoch, and the estimated time left for the run, as the
 * ProgressState the progress sinks receive.
 */
import type { ProgressState } from './progress';

export class TrainClock {
  private readonly runStart = performance.now();
  private imagesThisRun = 0;
  private epochStart = 0;
  private lossSum = 0;
  /** Images seen in the current epoch. */
  count = 0;

  constructor(
    private readonly epochs: number,
    private readonly n: number,
    private readonly steps: number,
  ) {}

  startEpoch(): void {
    this.epochStart = performance.now();
    this.lossSum = 0;
    this.count = 0;
  }

  /** Records a step of B images with mean loss `loss`. */
  addStep(loss: number, B: number): void {
    this.lossSum += loss * B;
    this.count += B;
    this.imagesThisRun += B;
  }

  /** Mean loss of the epoch so far. */
  get loss(): number {
    return this.lossSum / this.count;
  }

  /** Images per second in the epoch so far. */
  get imagesPerSecond(): number {
    return this.count / Math.max((performance.now() - this.epochStart) / 1000, 1e-9);
  }

  private eta(remainingImages: number): number {
    const runElapsed = (performance.now() - this.runStart) / 1000;
    return (remainingImages * runElapsed) / Math.max(this.imagesThisRun, 1);
  }

  /** After step `step` (0-based) of `epoch` (0-based), which started at image i0 and had B images. */
  stepState(epoch: number, step: number, i0: number, B: number, validationError?: number): ProgressState {
    return {
      epoch: epoch + 1,
      epochs: this.epochs,
      step: step + 1,
      steps: this.steps,
      loss: this.loss,
      imagesPerSecond: this.imagesPerSecond,
      etaSeconds: this.eta((this.epochs - epoch - 1) * this.n + (this.n - i0 - B)),
      validationError,
    };
  }

  /** At the end of `epoch` (0-based). */
  epochState(epoch: number, loss: number, imagesPerSecond: number, validationError?: number): ProgressState {
    return {
      epoch: epoch + 1,
      epochs: this.epochs,
      step: this.steps,
      steps: this.steps,
      loss,
      imagesPerSecond,
      etaSeconds: this.eta((this.epochs - epoch - 1) * this.n),
      validationError,
    };
  }
}
