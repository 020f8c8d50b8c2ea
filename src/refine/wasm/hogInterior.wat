;; HOG descriptors of points whose sample window lies inside the gradient maps (src/refine/hogWasm.ts; border points
;; stay in JavaScript): per window row, four samples at a time in 128-bit SIMD (the 4-tap bilinear gradient with the
;; point's weights, the magnitude, the unsigned orientation by octant reduction and a polynomial, branch-free), then
;; each sample's two votes and the point's L2 normalisation, in float32. Agrees with hog.ts's float64 loop to ~1e-6
;; (test/refine-kernels.test.ts). Compiled by scripts/build-wasm.ts (wabt) into hogInteriorWasm.ts.
;;
;; Memory is laid out by the host (pointers are byte offsets). Conventions:
;;   gx, gy   W-wide f32 gradient rows, with at least 4 readable floats after the last sample of any window
;;   pts      per point 20 bytes: i32 element index of the window's top-left tap (y0·W + x0), f32 w00, w10, w01, w11
;;   colCell  i32 per window column c (padded to a multiple of 4): (c / cellSize) · bins
;;   out      per point L = cells² · bins f32
(module
  ;; the host's memory (plain, grown by the host)
  (import "env" "memory" (memory 1))

  ;; atan(x) for |x| ≤ tan(π/8), lane-wise: the polynomial of hog.ts's atanSmall
  (func $atanSmall (param $x v128) (result v128)
    (local $z v128) (local $p v128)
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.splat (f32.const -0.05953429052483613)))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.10538447138744939)) (f32x4.mul (local.get $z) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const -0.14234888333533535)) (f32x4.mul (local.get $z) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const 0.19997920900558708)) (f32x4.mul (local.get $z) (local.get $p))))
    (local.set $p (f32x4.add (f32x4.splat (f32.const -0.333333035586453)) (f32x4.mul (local.get $z) (local.get $p))))
    (f32x4.add (local.get $x) (f32x4.mul (f32x4.mul (local.get $x) (local.get $z)) (local.get $p))))

  ;; one sample's votes: mag·(1 − frac) into bin b0 and mag·frac into the next (wrapping) of the cell at `cell`
  (func $vote (param $cell i32) (param $b0 i32) (param $frac f32) (param $mag f32) (param $bins i32)
    (local $a i32) (local $b1 i32)
    (if (f32.eq (local.get $mag) (f32.const 0)) (then (return)))
    (local.set $a (i32.add (local.get $cell) (i32.shl (local.get $b0) (i32.const 2))))
    (f32.store (local.get $a) (f32.add (f32.load (local.get $a))
      (f32.mul (local.get $mag) (f32.sub (f32.const 1) (local.get $frac)))))
    (local.set $b1 (i32.add (local.get $b0) (i32.const 1)))
    (if (i32.eq (local.get $b1) (local.get $bins)) (then (local.set $b1 (i32.const 0))))
    (local.set $a (i32.add (local.get $cell) (i32.shl (local.get $b1) (i32.const 2))))
    (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.mul (local.get $mag) (local.get $frac)))))

  (func (export "hog")
    (param $gx i32) (param $gy i32) (param $W i32) (param $pts i32) (param $n i32)
    (param $side i32) (param $cells i32) (param $cellSize i32) (param $bins i32) (param $colCell i32) (param $out i32)
    (local $p i32) (local $pp i32) (local $o i32) (local $L i32) (local $r i32) (local $c i32) (local $q i32)
    (local $rowOff i32) (local $ry i32) (local $cellRow i32) (local $stride i32) (local $i i32) (local $k i32)
    (local $w00 v128) (local $w10 v128) (local $w01 v128) (local $w11 v128)
    (local $sx v128) (local $sy v128) (local $mag v128) (local $x v128) (local $y v128) (local $xa v128)
    (local $neg v128) (local $c1 v128) (local $c2 v128) (local $num v128) (local $den v128) (local $base v128)
    (local $a v128) (local $t v128) (local $fl v128) (local $b0 v128) (local $frac v128) (local $valid v128)
    (local $ss f32) (local $inv f32) (local $v f32)
    (local.set $L (i32.mul (i32.mul (local.get $cells) (local.get $cells)) (local.get $bins)))
    (local.set $stride (i32.shl (local.get $W) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $pdone
      (loop $ploop
        (br_if $pdone (i32.ge_u (local.get $p) (local.get $n)))
        (local.set $pp (i32.add (local.get $pts) (i32.mul (local.get $p) (i32.const 20))))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $p) (local.get $L)) (i32.const 2))))
        (local.set $w00 (f32x4.splat (f32.load offset=4 (local.get $pp))))
        (local.set $w10 (f32x4.splat (f32.load offset=8 (local.get $pp))))
        (local.set $w01 (f32x4.splat (f32.load offset=12 (local.get $pp))))
        (local.set $w11 (f32x4.splat (f32.load offset=16 (local.get $pp))))
        (memory.fill (local.get $o) (i32.const 0) (i32.shl (local.get $L) (i32.const 2)))
        (local.set $rowOff (i32.shl (i32.load (local.get $pp)) (i32.const 2)))
        (local.set $ry (i32.const 0))
        (local.set $cellRow (local.get $o))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $side)))
            (local.set $c (i32.const 0))
            (block $cdone
              (loop $cloop
                (br_if $cdone (i32.ge_u (local.get $c) (local.get $side)))
                (local.set $i (i32.add (local.get $rowOff) (i32.shl (local.get $c) (i32.const 2))))
                ;; the bilinear gradient of samples c … c + 3 (taps (x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1))
                (local.set $k (i32.add (local.get $gx) (local.get $i)))
                (local.set $sx (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $w00) (v128.load (local.get $k)))
                             (f32x4.mul (local.get $w10) (v128.load offset=4 (local.get $k))))
                  (f32x4.add (f32x4.mul (local.get $w01) (v128.load (i32.add (local.get $k) (local.get $stride))))
                             (f32x4.mul (local.get $w11) (v128.load offset=4 (i32.add (local.get $k) (local.get $stride)))))))
                (local.set $k (i32.add (local.get $gy) (local.get $i)))
                (local.set $sy (f32x4.add
                  (f32x4.add (f32x4.mul (local.get $w00) (v128.load (local.get $k)))
                             (f32x4.mul (local.get $w10) (v128.load offset=4 (local.get $k))))
                  (f32x4.add (f32x4.mul (local.get $w01) (v128.load (i32.add (local.get $k) (local.get $stride))))
                             (f32x4.mul (local.get $w11) (v128.load offset=4 (i32.add (local.get $k) (local.get $stride)))))))
                (local.set $mag (f32x4.sqrt (f32x4.add (f32x4.mul (local.get $sx) (local.get $sx))
                                                       (f32x4.mul (local.get $sy) (local.get $sy)))))
                ;; lanes past the window's last column vote nothing
                (local.set $valid (i32x4.lt_s
                  (i32x4.add (i32x4.splat (local.get $c)) (v128.const i32x4 0 1 2 3))
                  (i32x4.splat (local.get $side))))
                (local.set $mag (v128.and (local.get $mag) (local.get $valid)))
                ;; fold into y ≥ 0 (y < 0, or y = 0 and x < 0: negate both)
                (local.set $neg (v128.or
                  (f32x4.lt (local.get $sy) (f32x4.splat (f32.const 0)))
                  (v128.and (f32x4.eq (local.get $sy) (f32x4.splat (f32.const 0)))
                            (f32x4.lt (local.get $sx) (f32x4.splat (f32.const 0))))))
                (local.set $x (v128.bitselect (f32x4.neg (local.get $sx)) (local.get $sx) (local.get $neg)))
                (local.set $y (v128.bitselect (f32x4.neg (local.get $sy)) (local.get $sy) (local.get $neg)))
                (local.set $xa (f32x4.abs (local.get $x)))
                ;; octant: y > |x| tan(3π/8): π/2 − atan(|x| / y); y > |x| tan(π/8): π/4 + atan((y − |x|) / (y + |x|));
                ;; else atan(y / |x|)
                (local.set $c1 (f32x4.gt (local.get $y) (f32x4.mul (local.get $xa) (f32x4.splat (f32.const 2.414213562373095)))))
                (local.set $c2 (f32x4.gt (local.get $y) (f32x4.mul (local.get $xa) (f32x4.splat (f32.const 0.41421356237309503)))))
                (local.set $num (v128.bitselect (f32x4.neg (local.get $xa))
                  (v128.bitselect (f32x4.sub (local.get $y) (local.get $xa)) (local.get $y) (local.get $c2)) (local.get $c1)))
                (local.set $den (v128.bitselect (local.get $y)
                  (v128.bitselect (f32x4.add (local.get $y) (local.get $xa)) (local.get $xa) (local.get $c2)) (local.get $c1)))
                (local.set $base (v128.bitselect (f32x4.splat (f32.const 1.5707963267948966))
                  (v128.and (f32x4.splat (f32.const 0.7853981633974483)) (local.get $c2)) (local.get $c1)))
                ;; den = 0 only where the magnitude is 0 (no vote): keep the lane finite anyway
                (local.set $den (v128.bitselect (f32x4.splat (f32.const 1)) (local.get $den)
                  (f32x4.eq (local.get $den) (f32x4.splat (f32.const 0)))))
                (local.set $a (f32x4.add (local.get $base)
                  (call $atanSmall (f32x4.div (local.get $num) (local.get $den)))))
                ;; mirrored for x < 0; π itself folds to 0
                (local.set $a (v128.bitselect (f32x4.sub (f32x4.splat (f32.const 3.141592653589793)) (local.get $a))
                  (local.get $a) (f32x4.lt (local.get $x) (f32x4.splat (f32.const 0)))))
                (local.set $a (v128.bitselect (f32x4.sub (local.get $a) (f32x4.splat (f32.const 3.141592653589793)))
                  (local.get $a) (f32x4.ge (local.get $a) (f32x4.splat (f32.const 3.141592653589793)))))
                (local.set $a (f32x4.max (local.get $a) (f32x4.splat (f32.const 0))))
                ;; position in bins, its integer part (bin `bins` wraps to 0) and fraction
                (local.set $t (f32x4.mul (local.get $a)
                  (f32x4.div (f32x4.convert_i32x4_s (i32x4.splat (local.get $bins))) (f32x4.splat (f32.const 3.141592653589793)))))
                (local.set $fl (i32x4.trunc_sat_f32x4_s (local.get $t)))
                (local.set $frac (f32x4.sub (local.get $t) (f32x4.convert_i32x4_s (local.get $fl))))
                (local.set $b0 (v128.bitselect (i32x4.sub (local.get $fl) (i32x4.splat (local.get $bins))) (local.get $fl)
                  (i32x4.ge_s (local.get $fl) (i32x4.splat (local.get $bins)))))
                ;; the votes of the four lanes into their cells (colCell: the cell column's offset in bins)
                (local.set $q (i32.add (local.get $colCell) (i32.shl (local.get $c) (i32.const 2))))
                (call $vote (i32.add (local.get $cellRow) (i32.shl (i32.load offset=0 (local.get $q)) (i32.const 2)))
                  (i32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 0 (local.get $frac))
                  (f32x4.extract_lane 0 (local.get $mag)) (local.get $bins))
                (call $vote (i32.add (local.get $cellRow) (i32.shl (i32.load offset=4 (local.get $q)) (i32.const 2)))
                  (i32x4.extract_lane 1 (local.get $b0)) (f32x4.extract_lane 1 (local.get $frac))
                  (f32x4.extract_lane 1 (local.get $mag)) (local.get $bins))
                (call $vote (i32.add (local.get $cellRow) (i32.shl (i32.load offset=8 (local.get $q)) (i32.const 2)))
                  (i32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 2 (local.get $frac))
                  (f32x4.extract_lane 2 (local.get $mag)) (local.get $bins))
                (call $vote (i32.add (local.get $cellRow) (i32.shl (i32.load offset=12 (local.get $q)) (i32.const 2)))
                  (i32x4.extract_lane 3 (local.get $b0)) (f32x4.extract_lane 3 (local.get $frac))
                  (f32x4.extract_lane 3 (local.get $mag)) (local.get $bins))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $cloop)))
            ;; next window row; every cellSize rows, the next row of cells
            (local.set $rowOff (i32.add (local.get $rowOff) (local.get $stride)))
            (local.set $ry (i32.add (local.get $ry) (i32.const 1)))
            (if (i32.eq (local.get $ry) (local.get $cellSize))
              (then
                (local.set $ry (i32.const 0))
                (local.set $cellRow (i32.add (local.get $cellRow)
                  (i32.shl (i32.mul (local.get $cells) (local.get $bins)) (i32.const 2))))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        ;; L2 normalisation: v / sqrt(Σ v² + 1e-6)
        (local.set $ss (f32.const 0))
        (local.set $k (i32.const 0))
        (block $sdone
          (loop $sloop
            (br_if $sdone (i32.ge_u (local.get $k) (local.get $L)))
            (local.set $v (f32.load (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $ss (f32.add (local.get $ss) (f32.mul (local.get $v) (local.get $v))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $sloop)))
        (local.set $inv (f32.div (f32.const 1) (f32.sqrt (f32.add (local.get $ss) (f32.const 1e-6)))))
        (local.set $k (i32.const 0))
        (block $ndone
          (loop $nloop
            (br_if $ndone (i32.ge_u (local.get $k) (local.get $L)))
            (local.set $i (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 2))))
            (f32.store (local.get $i) (f32.mul (f32.load (local.get $i)) (local.get $inv)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $nloop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ploop))))
)
