;; The gray crop of the cascade's descriptor frame (src/refine/frameWasm.ts), value for value as frameKernel.ts and the
;; model's cropInto compute it: each output pixel averages ny × nx bilinear samples; every tap adds w · value in
;; float64 to a float32 partial sum (rounded after each tap, as cropInto's Float32Array scratch does), the partial sums
;; add up per channel in float32, and luma (0.299, 0.587, 0.114) is taken in float64 at the end: bit-identical results
;; (test/refine-kernels.test.ts). Taps outside the image read the padding 127.5 (branch-free: a select, and the load
;; moved to the sub-image's first byte). Compiled by scripts/build-wasm.ts (wabt) into grayFrameWasm.ts.
;;
;; Memory is laid out by the host (pointers are byte offsets). Conventions:
;;   data            the (sub-)image's bytes (HWC, C channels)
;;   ct0, ct1        i32 per column sample: byte offset of its left / right tap's column (x · C), −1 outside
;;   cw0, cw1        f64 per column sample: the taps' weights (1 − fx, fx)
;;   rt0, rt1        i32 per row sample: byte offset of its top / bottom tap's row (y · row bytes), −1 outside
;;   rw0, rw1        f64 per row sample: (1 − fy, fy)
;;   out             S × S f32 in [-1, 1]
(module
  ;; the host's memory (plain, grown by the host)
  (import "env" "memory" (memory 1))

  (func (export "frame")
    (param $data i32) (param $C i32) (param $ct0 i32) (param $ct1 i32) (param $cw0 i32) (param $cw1 i32)
    (param $rt0 i32) (param $rt1 i32) (param $rw0 i32) (param $rw1 i32) (param $out i32)
    (param $S i32) (param $nx i32) (param $ny i32) (param $inv f64)
    (local $u i32) (local $v i32) (local $i i32) (local $j i32) (local $iEnd i32) (local $jEnd i32)
    (local $r0 i32) (local $r1 i32) (local $c0 i32) (local $c1 i32) (local $wy0 f64) (local $wy1 f64)
    (local $wx0 f64) (local $wx1 f64)
    (local $m00 i32) (local $m10 i32) (local $m01 i32) (local $m11 i32)
    (local $a00 i32) (local $a10 i32) (local $a01 i32) (local $a11 i32)
    (local $w00 f64) (local $w10 f64) (local $w01 f64) (local $w11 f64)
    (local $q f32) (local $a0ch f32) (local $a1ch f32) (local $a2ch f32) (local $g f64) (local $o i32)
    (local.set $o (local.get $out))
    (local.set $v (i32.const 0))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $v) (local.get $S)))
        (local.set $u (i32.const 0))
        (block $udone
          (loop $uloop
            (br_if $udone (i32.ge_u (local.get $u) (local.get $S)))
            (local.set $a0ch (f32.const 0))
            (local.set $a1ch (f32.const 0))
            (local.set $a2ch (f32.const 0))
            (local.set $j (i32.mul (local.get $v) (local.get $ny)))
            (local.set $jEnd (i32.add (local.get $j) (local.get $ny)))
            (block $jdone
              (loop $jloop
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $jEnd)))
                (local.set $r0 (i32.load (i32.add (local.get $rt0) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $r1 (i32.load (i32.add (local.get $rt1) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $wy0 (f64.load (i32.add (local.get $rw0) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $wy1 (f64.load (i32.add (local.get $rw1) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $i (i32.mul (local.get $u) (local.get $nx)))
                (local.set $iEnd (i32.add (local.get $i) (local.get $nx)))
                (block $idone
                  (loop $iloop
                    (br_if $idone (i32.ge_u (local.get $i) (local.get $iEnd)))
                    (local.set $c0 (i32.load (i32.add (local.get $ct0) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $c1 (i32.load (i32.add (local.get $ct1) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $wx0 (f64.load (i32.add (local.get $cw0) (i32.shl (local.get $i) (i32.const 3)))))
                    (local.set $wx1 (f64.load (i32.add (local.get $cw1) (i32.shl (local.get $i) (i32.const 3)))))
                    ;; the four taps in cropInto's order: (x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)
                    (local.set $w00 (f64.mul (local.get $wy0) (local.get $wx0)))
                    (local.set $w10 (f64.mul (local.get $wy0) (local.get $wx1)))
                    (local.set $w01 (f64.mul (local.get $wy1) (local.get $wx0)))
                    (local.set $w11 (f64.mul (local.get $wy1) (local.get $wx1)))
                    ;; m: the tap lies outside (its row or column is −1); a: the byte it reads (the first when outside)
                    (local.set $m00 (i32.lt_s (i32.or (local.get $r0) (local.get $c0)) (i32.const 0)))
                    (local.set $a00 (i32.add (local.get $data) (select (i32.const 0) (i32.add (local.get $r0) (local.get $c0)) (local.get $m00))))
                    (local.set $m10 (i32.lt_s (i32.or (local.get $r0) (local.get $c1)) (i32.const 0)))
                    (local.set $a10 (i32.add (local.get $data) (select (i32.const 0) (i32.add (local.get $r0) (local.get $c1)) (local.get $m10))))
                    (local.set $m01 (i32.lt_s (i32.or (local.get $r1) (local.get $c0)) (i32.const 0)))
                    (local.set $a01 (i32.add (local.get $data) (select (i32.const 0) (i32.add (local.get $r1) (local.get $c0)) (local.get $m01))))
                    (local.set $m11 (i32.lt_s (i32.or (local.get $r1) (local.get $c1)) (i32.const 0)))
                    (local.set $a11 (i32.add (local.get $data) (select (i32.const 0) (i32.add (local.get $r1) (local.get $c1)) (local.get $m11))))
                    (local.set $q (f32.demote_f64 (f64.mul (local.get $w00) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=0 (local.get $a00))) (local.get $m00)))))
                    (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w10) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=0 (local.get $a10))) (local.get $m10))))))
                    (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w01) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=0 (local.get $a01))) (local.get $m01))))))
                    (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w11) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=0 (local.get $a11))) (local.get $m11))))))
                    (local.set $a0ch (f32.add (local.get $a0ch) (local.get $q)))
                    (if (i32.ne (local.get $C) (i32.const 1))
                      (then
                        (local.set $q (f32.demote_f64 (f64.mul (local.get $w00) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=1 (local.get $a00))) (local.get $m00)))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w10) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=1 (local.get $a10))) (local.get $m10))))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w01) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=1 (local.get $a01))) (local.get $m01))))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w11) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=1 (local.get $a11))) (local.get $m11))))))
                        (local.set $a1ch (f32.add (local.get $a1ch) (local.get $q)))
                        (local.set $q (f32.demote_f64 (f64.mul (local.get $w00) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=2 (local.get $a00))) (local.get $m00)))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w10) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=2 (local.get $a10))) (local.get $m10))))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w01) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=2 (local.get $a01))) (local.get $m01))))))
                        (local.set $q (f32.demote_f64 (f64.add (f64.promote_f32 (local.get $q)) (f64.mul (local.get $w11) (select (f64.const 127.5) (f64.convert_i32_u (i32.load8_u offset=2 (local.get $a11))) (local.get $m11))))))
                        (local.set $a2ch (f32.add (local.get $a2ch) (local.get $q)))
                      ))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $iloop)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jloop)))
            (if (i32.eq (local.get $C) (i32.const 1))
              (then (local.set $g (f64.promote_f32 (local.get $a0ch))))
              (else (local.set $g (f64.add (f64.add
                (f64.mul (f64.const 0.299) (f64.promote_f32 (local.get $a0ch)))
                (f64.mul (f64.const 0.587) (f64.promote_f32 (local.get $a1ch))))
                (f64.mul (f64.const 0.114) (f64.promote_f32 (local.get $a2ch)))))))
            (f32.store (local.get $o)
              (f32.demote_f64 (f64.sub (f64.div (f64.mul (local.get $g) (local.get $inv)) (f64.const 127.5)) (f64.const 1))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $uloop)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $vloop))))
)
