import * as assert from 'node:assert/strict';
import { Rng, ValueError } from '../src';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 5 }, () => a.next());
    const xb = Array.from({ length: 5 }, () => b.next());
    const xc = Array.from({ length: 5 }, () => c.next());
    assert.deepEqual(xa, xb);
    assert.notDeepEqual(xa, xc);
  });
  it('draws normals with mean ~0 and sd ~1', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    assert.ok(Math.abs(s / n) < 0.03);
    assert.ok(Math.abs(Math.sqrt(s2 / n) - 1) < 0.03);
  });
  it('rejects a non-integer seed with a named error', () => {
    assert.throws(
      () => new Rng(1.5),
      (e: Error) => e instanceof ValueError && /Rng: argument 'seed'/.test(e.message),
    );
  });
});
