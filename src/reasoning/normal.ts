/** @internal The standard normal CDF and helpers (pure numeric, used by heatmaps and intervals). */

/**
 * erfc(x) for x ≥ 0 by the Chebyshev-fitted formula of Numerical Recipes (erfcc: fractional error < 1.2e-7 everywhere).
 */
function erfcPos(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const r =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return r;
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const c = 0.5 * erfcPos(x);
  return z >= 0 ? 1 - c : c;
}

/** The radius² of a 2D standard Gaussian's region of probability `level` (chi-square, 2 degrees of freedom). */
export function chi2Radius2(level: number): number {
  return -2 * Math.log(1 - level);
}

/** Φ tabulated with its derivative φ on [−REACH, REACH] at step 1/32, for cubic Hermite interpolation. */
const TAB_STEP = 1 / 32;
const TAB_REACH = 8;
const TAB_N = Math.round((2 * TAB_REACH) / TAB_STEP);
const TAB_PHI = new Float64Array(TAB_N + 1);
const TAB_DPHI = new Float64Array(TAB_N + 1);
for (let i = 0; i <= TAB_N; i++) {
  const z = -TAB_REACH + i * TAB_STEP;
  TAB_PHI[i] = normalCdf(z);
  TAB_DPHI[i] = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Φ(z) by cubic Hermite interpolation of a table (no exp per call; within 1e-8 of `normalCdf` — the table's own
 * accuracy is normalCdf's, ~1e-7 — and exactly 0 or 1 beyond ±8). For hot loops such as heatmaps.
 */
export function normalCdfFast(z: number): number {
  if (z <= -TAB_REACH) return 0;
  if (z >= TAB_REACH) return 1;
  const u = (z + TAB_REACH) / TAB_STEP;
  const i = Math.min(TAB_N - 1, Math.floor(u));
  const t = u - i;
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * TAB_PHI[i] +
    (t3 - 2 * t2 + t) * TAB_STEP * TAB_DPHI[i] +
    (-2 * t3 + 3 * t2) * TAB_PHI[i + 1] +
    (t3 - t2) * TAB_STEP * TAB_DPHI[i + 1]
  );
}
