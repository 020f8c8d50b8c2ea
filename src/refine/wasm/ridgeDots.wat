;; The ridge product of the cascade (src/refine/ridgeWasm.ts): out[r·Mp + j] = Σ_i x[r·Dp + i] · wt[j·Dp + i], the
;; float32 inputs promoted to float64 and the products summed in float64 (two lanes), as the JavaScript loop does, so
;; the result agrees with it to about 1e-16 relative. Compiled by scripts/build-wasm.ts (wabt) into ridgeDotsWasm.ts;
;; test/refine-kernels.test.ts checks that the compiled bytes match this source.
;;
;; Memory is laid out by the host (pointers are byte offsets); this module only computes. Conventions:
;;   wt   Mp × Dp f32, row j = output j's weights (Wᵀ), Dp a multiple of 4 and Mp a multiple of 4 (zero padded)
;;   x    N × Dp f32 rows (zero padded)
;;   out  N × Mp f64 sums (the host adds the bias)
(module
  ;; the host's memory (plain, grown by the host)
  (import "env" "memory" (memory 1))

  ;; Outputs go in fours: each x vector is loaded and promoted once for four rows of wt, and those four rows (in cache)
  ;; serve every x row before the next four are read, so a batch streams the weights once.
  (func (export "dots")
    (param $wt i32) (param $x i32) (param $out i32) (param $N i32) (param $Dp i32) (param $Mp i32)
    (local $r i32) (local $j i32) (local $i i32) (local $rowBytes i32) (local $xr i32) (local $o i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $xv v128) (local $xl v128) (local $xh v128) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $Dp) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $Mp)))
        (local.set $w0 (i32.add (local.get $wt) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $N)))
            (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $Mp)) (local.get $j)) (i32.const 3))))
            (local.set $a0 (v128.const f64x2 0 0))
            (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0))
            (local.set $a3 (v128.const f64x2 0 0))
            (local.set $i (i32.const 0))
            (block $idone
              (loop $iloop
                (br_if $idone (i32.ge_u (local.get $i) (local.get $rowBytes)))
                (local.set $xv (v128.load (i32.add (local.get $xr) (local.get $i))))
                (local.set $xl (f64x2.promote_low_f32x4 (local.get $xv)))
                (local.set $xh (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv))))
                (local.set $v (v128.load (i32.add (local.get $w0) (local.get $i))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xl) (f64x2.promote_low_f32x4 (local.get $v)))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xh) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
                (local.set $v (v128.load (i32.add (local.get $w1) (local.get $i))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xl) (f64x2.promote_low_f32x4 (local.get $v)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xh) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
                (local.set $v (v128.load (i32.add (local.get $w2) (local.get $i))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xl) (f64x2.promote_low_f32x4 (local.get $v)))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xh) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
                (local.set $v (v128.load (i32.add (local.get $w3) (local.get $i))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xl) (f64x2.promote_low_f32x4 (local.get $v)))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xh) (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $iloop)))
            (f64.store offset=0 (local.get $o)
              (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
            (f64.store offset=8 (local.get $o)
              (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
            (f64.store offset=16 (local.get $o)
              (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
            (f64.store offset=24 (local.get $o)
              (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jloop))))
)
