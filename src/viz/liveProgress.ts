/**
 * Progress of long runs (training, evaluations) in a notebook cell: ONE output element updated in place
 * (tslab's `newDisplay()`: Jupyter `display_data` with a display_id, then `update_display_data`), a bar
 * and a line of text, ending with a summary. Outside a notebook the terminal keeps its bar (\r redraws
 * on a TTY) and a plain log gets only the summary line.
 */
import type { ProgressSink, ProgressState } from '../model/progress';
import { progressLine } from '../model/progress';
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import { escapeHtmlText } from './figureHtml';
import { type UpdatableDisplay, tslabNewDisplay } from './show';

/** Options of `liveProgress`. */
export interface LiveProgressOptions {
  /** Heading of the display (text). @default 'progress' */
  title?: string;
  /** Units of work in all; without it the bar shows no fraction. @default none */
  total?: number;
  /** Where to show it: an updatable display, 'auto' (tslab's newDisplay inside a kernel, else the terminal). @default 'auto' */
  display?: 'auto' | UpdatableDisplay;
  /** Terminal stream when not in a notebook. @default process.stdout */
  stream?: NodeJS.WriteStream;
  /** Fewest milliseconds between two redraws (the last update and `done` always draw). @default 250 */
  minIntervalMs?: number;
}

/** The handle of a live progress display. */
export interface LiveProgress {
  /** Reports `done` units (of `total`) and a status text; redraws at most every minIntervalMs. */
  update(done: number, text?: string): void;
  /** Shows a fraction in [0, 1] and a text as they are (no count or ETA added); same throttle. */
  show(fraction: number, text: string): void;
  /** Replaces the bar with the final summary (text). Later calls to update are ignored. */
  done(summary: string): void;
  /** How many times the output was (re)drawn: one element, redrawn in place. */
  readonly draws: number;
}

/** The HTML of the display: a heading, a bar and a status line, all data inserted as text. */
export function liveProgressHtml(
  title: string,
  fraction: number | null,
  text: string,
  finished: boolean,
): string {
  const pct = fraction === null ? null : Math.round(100 * Math.min(1, Math.max(0, fraction)));
  const bar =
    finished || pct === null
      ? ''
      : `<div style="width:320px;height:10px;background:#e5e5e5;border-radius:3px;margin:3px 0">` +
        `<div style="width:${pct}%;height:100%;background:#1f77b4;border-radius:3px"></div></div>`;
  const label = pct === null || finished ? '' : `${pct}% · `;
  return (
    `<div class="xl-progress" data-finished="${finished ? 1 : 0}" style="font:12px monospace">` +
    `<b>${escapeHtmlText(title)}</b>${bar}<div style="white-space:pre">${escapeHtmlText(label + text)}</div></div>`
  );
}

/**
 * A live progress display for any long loop.
 * @example const p = viz.liveProgress({ title: 'evaluating', total: faces.length }); … p.update(i + 1, name); … p.done('done')
 */
export function liveProgress(opts: LiveProgressOptions = {}): LiveProgress {
  const title = opts.title ?? 'progress';
  const total = opts.total;
  if (total !== undefined && !(Number.isFinite(total) && total > 0)) {
    throw new ValueError(`liveProgress: argument 'opts.total' expected a number > 0, got ${describe(total)}`);
  }
  const display = opts.display === undefined || opts.display === 'auto' ? tslabNewDisplay() : opts.display;
  const stream = opts.stream ?? process.stdout;
  const minInterval = opts.minIntervalMs ?? 250;
  let last = -Infinity;
  let finished = false;
  let draws = 0;
  const t0 = performance.now();
  const draw = (fraction: number | null, text: string, end: boolean) => {
    draws++;
    if (display !== null) display.html(liveProgressHtml(title, fraction, text, end));
    else if (end) stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${title}: ${text}\n`);
    else if (stream.isTTY) {
      const f = fraction ?? 0;
      const fill = Math.round(20 * f);
      stream.write(`\r${title} ${'█'.repeat(fill)}${'░'.repeat(20 - fill)} ${text}\x1b[K`);
    } else draws--; // a plain log gets the summary only
  };
  /** Draws unless finished or drawn less than minInterval ago (a complete bar always draws). */
  const throttled = (fraction: number | null, text: () => string, complete: boolean) => {
    if (finished) return;
    const now = performance.now();
    if (now - last < minInterval && !complete) return;
    last = now;
    draw(fraction, text(), false);
  };
  return {
    update(done, text = '') {
      const complete = total !== undefined && done >= total;
      throttled(
        total === undefined ? null : done / total,
        () => {
          const elapsed = (performance.now() - t0) / 1000;
          const eta =
            total !== undefined && done > 0
              ? ` · ${elapsed.toFixed(0)} s, ETA ${((elapsed * (total - done)) / done).toFixed(0)} s`
              : '';
          return `${done}${total === undefined ? '' : `/${total}`}${eta} ${text}`.trim();
        },
        complete,
      );
    },
    show(fraction, text) {
      throttled(fraction, () => text, fraction >= 1);
    },
    done(summary) {
      if (finished) return;
      finished = true;
      draw(1, summary, true);
    },
    get draws() {
      return draws;
    },
  };
}

/** Summary of a finished training run from the last progress states seen. */
function trainingSummary(last: ProgressState | null, best: number | undefined, seconds: number): string {
  if (last === null) return 'no step was run';
  const val = best === undefined ? '' : `, best validation error ${best.toFixed(4)}`;
  return (
    `${last.epoch}/${last.epochs} epochs in ${seconds.toFixed(1)} s: final loss ${last.loss.toPrecision(4)}` +
    `${val}, ${last.imagesPerSecond.toFixed(0)} img/s`
  );
}

/**
 * A `ProgressSink` for `model.train` that draws one live element in the notebook cell (the current
 * epoch's bar with loss, speed and ETA, and the finished epochs' lines above it) and ends with a summary.
 * Pass it as `progress:`; outside a notebook it draws the terminal bar of `liveProgress`.
 * @example await model.train(m, data, { progress: viz.trainingProgress() })
 */
export function trainingProgress(opts: Omit<LiveProgressOptions, 'total'> = {}): ProgressSink {
  const live = liveProgress({ title: opts.title ?? 'training', ...opts });
  const lines: string[] = [];
  let last: ProgressState | null = null;
  let best: number | undefined;
  const t0 = performance.now();
  return {
    step(s) {
      last = s;
      const done = (s.epoch - 1) * s.steps + s.step;
      live.show(done / (s.epochs * s.steps), [...lines.slice(-5), progressLine(s)].join('\n'));
    },
    epoch(s) {
      last = s;
      if (s.validationError !== undefined) best = Math.min(best ?? Infinity, s.validationError);
      lines.push(progressLine(s));
    },
    end() {
      live.done(trainingSummary(last, best, (performance.now() - t0) / 1000));
    },
  };
}
