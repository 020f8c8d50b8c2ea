/**
 * Training progress: a live bar on a terminal (rewritten with \r), a plain line per epoch when stdout is not a
 * terminal, and an in-place updated HTML line in a tslab notebook cell. `train` calls a `ProgressSink`; pass your
 * own to collect the numbers, or 'none'.
 */

/** What the trainer reports after each step and epoch. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  /** Step within the epoch (1-based) and steps per epoch. */
  step: number;
  steps: number;
  /** Running mean of the training loss over the epoch so far. */
  loss: number;
  /** Training throughput over the epoch so far. */
  imagesPerSecond: number;
  /** Estimated seconds left for the whole run. */
  etaSeconds: number;
  /** Validation error (mean pt-pt / box diagonal) of the last finished epoch, when there is validation data. */
  validationError?: number;
}

/** Receives progress; every method optional. */
export interface ProgressSink {
  /** After every training step. */
  step?(s: ProgressState): void;
  /** After every epoch (with its validation error when there is a validation set). */
  epoch?(s: ProgressState): void;
  /** Once, when training ends (normally, early or by an error). */
  end?(): void;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** One line of text describing `s`. */
export function progressLine(s: ProgressState, width = 20): string {
  const frac = s.steps > 0 ? s.step / s.steps : 1;
  const fill = Math.round(frac * width);
  const bar = '█'.repeat(fill) + '░'.repeat(width - fill);
  const val = s.validationError === undefined ? '' : ` val ${s.validationError.toFixed(4)}`;
  return (
    `epoch ${s.epoch}/${s.epochs} ${bar} ${s.step}/${s.steps} loss ${s.loss.toPrecision(4)} ` +
    `${s.imagesPerSecond.toFixed(0)} img/s ETA ${fmtTime(s.etaSeconds)}${val}`
  );
}

/** Live bar on a TTY stream (at most ~10 redraws a second), a newline at each epoch's end. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): ProgressSink {
  let last = -Infinity;
  return {
    step(s) {
      const now = performance.now();
      if (now - last < 100 && s.step < s.steps) return;
      last = now;
      stream.write(`\r${progressLine(s)}\x1b[K`);
    },
    epoch(s) {
      stream.write(`\r${progressLine(s)}\x1b[K\n`);
    },
  };
}

/** A plain line per epoch (logs, CI). */
export function lineProgress(
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): ProgressSink {
  return { epoch: (s) => write(progressLine(s)) };
}

interface TslabDisplay {
  html(s: string): void;
}

/** The tslab display of the running notebook kernel, or null outside one. */
function tslabDisplay(): TslabDisplay | null {
  try {
    // Optional at run time: only present (and connected) inside a tslab kernel.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown };
    if (jupyter.lastWriteDisplayData == null) return null;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tslab = require('tslab') as { newDisplay(): TslabDisplay };
    return tslab.newDisplay();
  } catch {
    return null;
  }
}

/** An HTML line updated in place in the notebook cell (tslab's newDisplay), ~4 redraws a second. */
export function notebookProgress(display: TslabDisplay): ProgressSink {
  let last = -Infinity;
  const lines: string[] = [];
  const show = (s: ProgressState) =>
    display.html(`<pre style="margin:0">${[...lines, progressLine(s)].join('\n')}</pre>`);
  return {
    step(s) {
      const now = performance.now();
      if (now - last < 250 && s.step < s.steps) return;
      last = now;
      show(s);
    },
    epoch(s) {
      lines.push(progressLine(s));
      if (lines.length > 30) lines.shift();
      display.html(`<pre style="margin:0">${lines.join('\n')}</pre>`);
    },
  };
}

/** Picks notebook, terminal or line progress for the current process. */
export function autoProgress(): ProgressSink {
  const d = tslabDisplay();
  if (d) return notebookProgress(d);
  return process.stdout.isTTY ? terminalProgress() : lineProgress();
}
