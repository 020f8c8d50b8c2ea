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
