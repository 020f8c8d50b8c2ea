import * as assert from 'node:assert/strict';
import { ValueError, viz } from '../src';

/** A display that records what it was given (as tslab's newDisplay would replace it in place). */
function recorder(): { html(s: string): void; seen: string[] } {
  const seen: string[] = [];
  return { html: (s) => seen.push(s), seen };
}

/** A stream that records writes; isTTY as given. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write: (t: string) => ((s.text += t), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('viz live progress', () => {
  it('redraws one display, throttled, and ends with the summary as text', () => {
    const d = recorder();
    const p = viz.liveProgress({ title: 'eval <b>', total: 100, display: d, minIntervalMs: 60000 });
    for (let i = 1; i <= 100; i++) p.update(i, `face ${i}`);
    p.done('100 faces <i>ok</i>');
    p.update(5);
    // first update draws, then the throttle holds until the complete bar (100/100), then the summary
    assert.equal(d.seen.length, 3);
    assert.equal(p.draws, 3);
    assert.match(d.seen[0], /width:1%/);
    assert.match(d.seen[1], /width:100%/);
    assert.match(d.seen[2], /data-finished="1"/);
    assert.ok(d.seen[2].includes('100 faces &lt;i>ok&lt;/i>'), 'summary inserted as text');
    assert.ok(d.seen[2].includes('eval &lt;b>'), 'title inserted as text');
    assert.ok(!d.seen[2].includes('width:'), 'the bar is gone at the end');
  });

  it('keeps the terminal bar on a TTY and writes only the summary to a plain log', () => {
    const tty = stream(true);
    const p = viz.liveProgress({
      title: 'k-means',
      total: 2,
      stream: tty,
      minIntervalMs: 0,
      display: 'auto',
    });
    p.update(1);
    p.update(2);
    p.done('2 runs');
    assert.match(tty.text, /^\rk-means █{10}░{10} 1\/2/);
    assert.ok(tty.text.endsWith('\r\x1b[Kk-means: 2 runs\n'), JSON.stringify(tty.text));
    const log = stream(false);
    const q = viz.liveProgress({ title: 't', stream: log, minIntervalMs: 0 });
    q.update(1);
    q.done('fin');
    assert.equal(log.text, 't: fin\n');
    assert.throws(() => viz.liveProgress({ total: 0 }), ValueError);
  });

  it('trainingProgress summarises a run: epochs, final loss, best validation error', () => {
    const d = recorder();
    const sink = viz.trainingProgress({ display: d, minIntervalMs: 0 });
    const state = (epoch: number, step: number, loss: number, validationError?: number) => ({
      epoch,
      epochs: 2,
      step,
      steps: 2,
      loss,
      imagesPerSecond: 40,
      etaSeconds: 1,
      validationError,
    });
    sink.step?.(state(1, 1, 2));
    sink.step?.(state(1, 2, 1.5));
    sink.epoch?.(state(1, 2, 1.5, 0.07));
    sink.step?.(state(2, 1, 1.2));
    sink.epoch?.(state(2, 2, 1.1, 0.08));
    sink.end?.();
    assert.match(d.seen[0], /width:25%/);
    assert.match(
      d.seen[2],
      /epoch 1\/2 .*val 0\.0700\nepoch 2\/2/,
      'finished epochs stay above the live line',
    );
    assert.match(
      d.seen.at(-1) ?? '',
      /2\/2 epochs in [\d.]+ s: final loss 1\.100, best validation error 0\.0700, 40 img\/s/,
    );
  });
});
