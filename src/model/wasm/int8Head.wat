;; The quantised K-way head of an inference-only model (src/model/int8Head.ts): scores = s_k · x_s · (W8_k · x16) + b_k,
;; the softmax over K, and the expected shape Σ_k p_k mu_k, all with 128-bit SIMD. Compiled by scripts/build-wasm.ts
;; (wabt) into int8HeadWasm.ts; test/model/int8Head.test.ts checks that the compiled bytes match this source.
;;
;; Memory is laid out by the host (pointers are byte offsets); this module only computes. Conventions:
;;   W8     K × Dp int8, row k = class k's weights / s_k, Dp a multiple of 16 (zero padded)
;;   scale  K f32 (s_k), bias K f32
;;   x      B × Dp int16, face b's feature / x_s[b]; xs B f32
;;   out    B × Kp f32 scores, then (softmax) probabilities; Kp a multiple of 4, lanes K … Kp−1 hold −inf
;;   The host bounds |x16| by (2³¹ − 1) / (127 · Dp), so no i32 sum overflows.
(module
;; the host's memory: shared with the head's helper thread (int8Threads.ts); scripts/build-wasm.ts also builds a
  ;; variant with plain memory
  (import "env" "memory" (memory 1 65536 shared))

;; out[b·Kp + k] = s_k · xs[b] · gain · Σ_d W8[k, d] · x[b, d] + (keep ? out[b·Kp + k] : b_k), for k < K, b < B:
  ;; the coarse pass (W8 the q plane, gain 1, keep 0) or the residual pass over every class (the r plane, gain 1/254,
  ;; keep 1). Rows go in fours (each x vector loaded once for four rows: 1.10–1.16× the speed of row pairs at batches
  ;; 2–32; at B = 1 the pass is bound by reading W8); the last K mod 4 rows go through $dot.
  (func (export "scores")
    (param $w i32) (param $scale i32) (param $bias i32) (param $x i32) (param $xs i32)
    (param $out i32) (param $K i32) (param $Dp i32) (param $B i32) (param $Kp i32) (param $gain f32) (param $keep i32)
    (local $k i32) (local $b i32) (local $d i32) (local $w0 i32) (local $xp i32) (local $xrow i32)
    (local $xv0 v128) (local $xv1 v128) (local $xsb f32) (local $o i32)
    (local $u0 i32) (local $u1 i32) (local $u2 i32) (local $u3 i32) (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local.set $k (i32.const 0))
    ;; rows in fours: each x vector loaded once for four rows
    (block $qdone
      (loop $qloop
        (br_if $qdone (i32.ge_u (i32.add (local.get $k) (i32.const 3)) (local.get $K)))
        (local.set $u0 (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $Dp))))
        (local.set $u1 (i32.add (local.get $u0) (local.get $Dp)))
        (local.set $u2 (i32.add (local.get $u1) (local.get $Dp)))
        (local.set $u3 (i32.add (local.get $u2) (local.get $Dp)))
        (local.set $b (i32.const 0))
        (local.set $xrow (local.get $x))
        (block $qbdone
          (loop $qbloop
            (br_if $qbdone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $q0 (v128.const i32x4 0 0 0 0))
            (local.set $q1 (v128.const i32x4 0 0 0 0))
            (local.set $q2 (v128.const i32x4 0 0 0 0))
            (local.set $q3 (v128.const i32x4 0 0 0 0))
            (local.set $d (i32.const 0))
            (local.set $xp (local.get $xrow))
            (block $qddone
              (loop $qdloop
                (br_if $qddone (i32.ge_u (local.get $d) (local.get $Dp)))
                (local.set $xv0 (v128.load (local.get $xp)))
                (local.set $xv1 (v128.load offset=16 (local.get $xp)))
            (local.set $q0 (i32x4.add (local.get $q0)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $u0) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $u0) (local.get $d))) (local.get $xv1)))))
            (local.set $q1 (i32x4.add (local.get $q1)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $u1) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $u1) (local.get $d))) (local.get $xv1)))))
            (local.set $q2 (i32x4.add (local.get $q2)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $u2) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $u2) (local.get $d))) (local.get $xv1)))))
            (local.set $q3 (i32x4.add (local.get $q3)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $u3) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $u3) (local.get $d))) (local.get $xv1)))))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
                (br $qdloop)))
            (local.set $xsb (f32.mul (f32.load (i32.add (local.get $xs) (i32.shl (local.get $b) (i32.const 2)))) (local.get $gain)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $b) (local.get $Kp)) (local.get $k)) (i32.const 2)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add
            (f32.mul
              (f32.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $q0)) (i32x4.extract_lane 1 (local.get $q0)))
                  (i32.add (i32x4.extract_lane 2 (local.get $q0)) (i32x4.extract_lane 3 (local.get $q0)))))
              (f32.mul (f32.load (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2)))) (local.get $xsb)))
            (select (f32.load (i32.add (local.get $out) (local.get $o)))
              (f32.load (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 2)))) (local.get $keep))))
        (f32.store offset=4 (i32.add (local.get $out) (local.get $o))
          (f32.add
            (f32.mul
              (f32.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $q1)) (i32x4.extract_lane 1 (local.get $q1)))
                  (i32.add (i32x4.extract_lane 2 (local.get $q1)) (i32x4.extract_lane 3 (local.get $q1)))))
              (f32.mul (f32.load offset=4 (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2)))) (local.get $xsb)))
            (select (f32.load offset=4 (i32.add (local.get $out) (local.get $o)))
              (f32.load offset=4 (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 2)))) (local.get $keep))))
        (f32.store offset=8 (i32.add (local.get $out) (local.get $o))
          (f32.add
            (f32.mul
              (f32.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $q2)) (i32x4.extract_lane 1 (local.get $q2)))
                  (i32.add (i32x4.extract_lane 2 (local.get $q2)) (i32x4.extract_lane 3 (local.get $q2)))))
              (f32.mul (f32.load offset=8 (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2)))) (local.get $xsb)))
            (select (f32.load offset=8 (i32.add (local.get $out) (local.get $o)))
              (f32.load offset=8 (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 2)))) (local.get $keep))))
        (f32.store offset=12 (i32.add (local.get $out) (local.get $o))
          (f32.add
            (f32.mul
              (f32.convert_i32_s
                (i32.add
                  (i32.add (i32x4.extract_lane 0 (local.get $q3)) (i32x4.extract_lane 1 (local.get $q3)))
                  (i32.add (i32x4.extract_lane 2 (local.get $q3)) (i32x4.extract_lane 3 (local.get $q3)))))
              (f32.mul (f32.load offset=12 (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2)))) (local.get $xsb)))
            (select (f32.load offset=12 (i32.add (local.get $out) (local.get $o)))
              (f32.load offset=12 (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 2)))) (local.get $keep))))
            (local.set $xrow (i32.add (local.get $xrow) (i32.shl (local.get $Dp) (i32.const 1))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $qbloop)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $qloop)))
    ;; the last K mod 4 rows, one at a time
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $Dp))))
        (local.set $b (i32.const 0))
        (block $tdone
          (loop $tloop
            (br_if $tdone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $o
              (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $Kp)) (local.get $k)) (i32.const 2))))
            (f32.store (local.get $o)
              (f32.add
                (f32.mul
                  (f32.convert_i32_s
                    (call $dot (local.get $w0)
                      (i32.add (local.get $x) (i32.mul (local.get $b) (i32.shl (local.get $Dp) (i32.const 1))))
                      (local.get $Dp)))
                  (f32.mul (f32.load (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2))))
                    (f32.mul (f32.load (i32.add (local.get $xs) (i32.shl (local.get $b) (i32.const 2)))) (local.get $gain))))
                (select (f32.load (local.get $o))
                  (f32.load (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 2)))) (local.get $keep))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $tloop)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rloop))))

  ;; Σ_d W8[row, d] · x16[d] over Dp (a multiple of 16) as i32: one row of `scores`, for the rows `refine` revisits
  (func $dot (param $wrow i32) (param $xrow i32) (param $Dp i32) (result i32)
    (local $d i32) (local $acc0 v128) (local $acc1 v128)
    (block $ddone
      (loop $dloop
        (br_if $ddone (i32.ge_u (local.get $d) (local.get $Dp)))
        (local.set $acc0
          (i32x4.add (local.get $acc0)
            (i32x4.dot_i16x8_s
              (v128.load8x8_s (i32.add (local.get $wrow) (local.get $d)))
              (v128.load (i32.add (local.get $xrow) (i32.shl (local.get $d) (i32.const 1)))))))
        (local.set $acc1
          (i32x4.add (local.get $acc1)
            (i32x4.dot_i16x8_s
              (v128.load8x8_s offset=8 (i32.add (local.get $wrow) (local.get $d)))
              (v128.load offset=16 (i32.add (local.get $xrow) (i32.shl (local.get $d) (i32.const 1)))))))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $dloop)))
    (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))

  ;; The largest of the K f32 in row (−inf when K = 0), 4 lanes at a time with a scalar tail. f32x4.pmax (one x86
  ;; maxps; f32x4.max's NaN rules cost several) may pass over a NaN score: softmax then reports the row.
  (func (export "rowMax") (param $row i32) (param $K i32) (result f32)
    (local $i i32) (local $K4 i32) (local $m v128) (local $r f32)
    (local.set $K4 (i32.and (local.get $K) (i32.const -4)))
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $K4)))
      (local.set $m (f32x4.pmax (local.get $m) (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $r
      (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $K)))
      (local.set $r (f32.max (local.get $r) (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.get $r))

  ;; The k largest of the K f32 in row, largest first (ties: lower index first), into vals (k f32) and idxs (k i32):
  ;; 4 lanes are compared at a time with the k-th value so far, and only a block holding a larger one is inserted lane
  ;; by lane (most blocks of a posterior are passed over with one compare). Slots not filled hold −inf and −1.
  (func (export "topk") (param $row i32) (param $K i32) (param $k i32) (param $vals i32) (param $idxs i32)
    (local $i i32) (local $K4 i32) (local $thr f32) (local $l i32) (local $v f32) (local $j i32) (local $last i32)
    (local.set $last (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $j) (local.get $k)))
      (f32.store (i32.add (local.get $vals) (i32.shl (local.get $j) (i32.const 2))) (f32.const -inf))
      (i32.store (i32.add (local.get $idxs) (i32.shl (local.get $j) (i32.const 2))) (i32.const -1))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zl)))
    (local.set $thr (f32.const -inf))
    (local.set $K4 (i32.and (local.get $K) (i32.const -4)))
    (block $d (loop $l4
      (br_if $d (i32.ge_u (local.get $i) (local.get $K4)))
      (if (v128.any_true (f32x4.gt (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))
            (f32x4.splat (local.get $thr))))
        (then
          (local.set $l (i32.const 0))
          (block $ld (loop $ll
            (br_if $ld (i32.ge_u (local.get $l) (i32.const 4)))
            (local.set $thr (call $topkInsert (local.get $row) (i32.add (local.get $i) (local.get $l)) (local.get $thr)
              (local.get $k) (local.get $vals) (local.get $idxs) (local.get $last)))
            (local.set $l (i32.add (local.get $l) (i32.const 1)))
            (br $ll)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l4)))
    (block $t (loop $tl
      (br_if $t (i32.ge_u (local.get $i) (local.get $K)))
      (local.set $thr (call $topkInsert (local.get $row) (local.get $i) (local.get $thr)
        (local.get $k) (local.get $vals) (local.get $idxs) (local.get $last)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tl))))

  ;; topk's insertion of row[i] when it is above thr (the k-th value); returns the new k-th value
  (func $topkInsert (param $row i32) (param $i i32) (param $thr f32) (param $k i32) (param $vals i32) (param $idxs i32)
    (param $last i32) (result f32)
    (local $v f32) (local $j i32) (local $prev f32)
    (local.set $v (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))
    (if (i32.eqz (f32.gt (local.get $v) (local.get $thr))) (then (return (local.get $thr))))
    (local.set $j (i32.sub (local.get $k) (i32.const 1)))
    (block $done (loop $shift
      (br_if $done (i32.eqz (local.get $j)))
      (local.set $prev (f32.load (i32.add (local.get $vals) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))))
      (br_if $done (i32.eqz (f32.lt (local.get $prev) (local.get $v))))
      (f32.store (i32.add (local.get $vals) (i32.shl (local.get $j) (i32.const 2))) (local.get $prev))
      (i32.store (i32.add (local.get $idxs) (i32.shl (local.get $j) (i32.const 2)))
        (i32.load (i32.add (local.get $idxs) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))))
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (br $shift)))
    (f32.store (i32.add (local.get $vals) (i32.shl (local.get $j) (i32.const 2))) (local.get $v))
    (i32.store (i32.add (local.get $idxs) (i32.shl (local.get $j) (i32.const 2))) (local.get $i))
    (f32.load (i32.add (local.get $vals) (local.get $last))))

  ;; Face b's candidates: writes to idx the classes k < K whose score in row (K f32) is ≥ thr (the host passes the row's
  ;; maximum − REFINE_DELTA), and returns how many. A NaN score is never a candidate (softmax reports it).
  (func (export "candidates") (param $row i32) (param $K i32) (param $thr f32) (param $idx i32) (result i32)
    (local $k i32) (local $n i32)
    (block $d2
      (loop $l2
        (br_if $d2 (i32.ge_u (local.get $k) (local.get $K)))
        (if (f32.ge (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))) (local.get $thr))
          (then
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))) (local.get $k))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l2)))
    (local.get $n))

  ;; How many of the K f32 in row are ≥ thr (what `candidates` would write), 4 lanes at a time with a scalar tail.
  (func (export "countAbove") (param $row i32) (param $K i32) (param $thr f32) (result i32)
    (local $i i32) (local $K4 i32) (local $c v128) (local $t v128) (local $n i32)
    (local.set $K4 (i32.and (local.get $K) (i32.const -4)))
    (local.set $t (f32x4.splat (local.get $thr)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $K4)))
      ;; a true lane is −1: subtracting counts it
      (local.set $c (i32x4.sub (local.get $c)
        (f32x4.ge (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))) (local.get $t))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (local.set $n
      (i32.add (i32.add (i32x4.extract_lane 0 (local.get $c)) (i32x4.extract_lane 1 (local.get $c)))
        (i32.add (i32x4.extract_lane 2 (local.get $c)) (i32x4.extract_lane 3 (local.get $c)))))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $K)))
      (if (f32.ge (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))) (local.get $thr))
        (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.get $n))

  ;; The second pass of the 16-bit head through a list: for the n classes in idx, row[k] += s_k · xs · (Σ_d R8[k, d] ·
  ;; x16[d]) / 254, R8 the rounded residual (w / s_k − W8) · 254 (face b's row, features xrow, scale xs). Returns the
  ;; largest refined score: the row's maximum, since every other class is at least REFINE_DELTA below it (−inf when
  ;; n = 0). The listed rows are scattered through the plane, so they go 4 at a time in one loop: their reads are
  ;; independent and in flight together (one row at a time waits on memory for each); the last n mod 4 one at a time.
  (func (export "refine")
    (param $r i32) (param $scale i32) (param $xrow i32) (param $xs f32) (param $row i32) (param $idx i32)
    (param $n i32) (param $Dp i32) (result f32)
    (local $i i32) (local $k i32) (local $m f32) (local $g f32) (local $n4 i32) (local $d i32) (local $xp i32)
    (local $xv0 v128) (local $xv1 v128)
    (local $k0 i32) (local $w0 i32) (local $a0 v128) (local $k1 i32) (local $w1 i32) (local $a1 v128) (local $k2 i32) (local $w2 i32) (local $a2 v128) (local $k3 i32) (local $w3 i32) (local $a3 v128)
    (local.set $m (f32.const -inf))
    (local.set $g (f32.mul (local.get $xs) (f32.const 0.003937007874015748)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $k0 (i32.load offset=0 (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w0 (i32.add (local.get $r) (i32.mul (local.get $k0) (local.get $Dp))))
        (local.set $k1 (i32.load offset=4 (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w1 (i32.add (local.get $r) (i32.mul (local.get $k1) (local.get $Dp))))
        (local.set $k2 (i32.load offset=8 (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w2 (i32.add (local.get $r) (i32.mul (local.get $k2) (local.get $Dp))))
        (local.set $k3 (i32.load offset=12 (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w3 (i32.add (local.get $r) (i32.mul (local.get $k3) (local.get $Dp))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (local.set $xp (local.get $xrow))
        (block $ddone
          (loop $dloop
            (br_if $ddone (i32.ge_u (local.get $d) (local.get $Dp)))
            (local.set $xv0 (v128.load (local.get $xp)))
            (local.set $xv1 (v128.load offset=16 (local.get $xp)))
            (local.set $a0 (i32x4.add (local.get $a0)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $w0) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $w0) (local.get $d))) (local.get $xv1)))))
            (local.set $a1 (i32x4.add (local.get $a1)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $w1) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $w1) (local.get $d))) (local.get $xv1)))))
            (local.set $a2 (i32x4.add (local.get $a2)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $w2) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $w2) (local.get $d))) (local.get $xv1)))))
            (local.set $a3 (i32x4.add (local.get $a3)
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $w3) (local.get $d))) (local.get $xv0))
                (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $w3) (local.get $d))) (local.get $xv1)))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (br $dloop)))
        (local.set $m (f32.max (local.get $m)
          (call $refineOne (local.get $row) (local.get $scale) (local.get $k0) (local.get $g)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
              (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))))
        (local.set $m (f32.max (local.get $m)
          (call $refineOne (local.get $row) (local.get $scale) (local.get $k1) (local.get $g)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $a1)) (i32x4.extract_lane 1 (local.get $a1)))
              (i32.add (i32x4.extract_lane 2 (local.get $a1)) (i32x4.extract_lane 3 (local.get $a1)))))))
        (local.set $m (f32.max (local.get $m)
          (call $refineOne (local.get $row) (local.get $scale) (local.get $k2) (local.get $g)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $a2)) (i32x4.extract_lane 1 (local.get $a2)))
              (i32.add (i32x4.extract_lane 2 (local.get $a2)) (i32x4.extract_lane 3 (local.get $a2)))))))
        (local.set $m (f32.max (local.get $m)
          (call $refineOne (local.get $row) (local.get $scale) (local.get $k3) (local.get $g)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $a3)) (i32x4.extract_lane 1 (local.get $a3)))
              (i32.add (i32x4.extract_lane 2 (local.get $a3)) (i32x4.extract_lane 3 (local.get $a3)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l4)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $m (f32.max (local.get $m)
          (call $refineOne (local.get $row) (local.get $scale) (local.get $k) (local.get $g)
            (call $dot (i32.add (local.get $r) (i32.mul (local.get $k) (local.get $Dp))) (local.get $xrow) (local.get $Dp)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $m))

  ;; row[k] += s_k · g · dot (g = xs / 254); returns the new score
  (func $refineOne (param $row i32) (param $scale i32) (param $k i32) (param $g f32) (param $dot i32) (result f32)
    (local $at i32) (local $v f32)
    (local.set $at (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $v
      (f32.add (f32.load (local.get $at))
        (f32.mul (f32.convert_i32_s (local.get $dot))
          (f32.mul (f32.load (i32.add (local.get $scale) (i32.shl (local.get $k) (i32.const 2)))) (local.get $g)))))
    (f32.store (local.get $at) (local.get $v))
    (local.get $v))

  ;; e^x for x ≤ 0, 4 lanes: x = n ln2 + r (|r| ≤ ln2 / 2), e^r by its degree-6 Taylor polynomial (relative error
  ;; ≤ 2e-7), 2^n from the exponent bits; x < −87 (and −inf) gives 0
  (func $exp4 (param $x v128) (result v128)
    (local $xc v128) (local $n v128) (local $r v128) (local $p v128)
    (local.set $xc (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n
      (f32x4.nearest (f32x4.mul (local.get $xc) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $xc)
          (f32x4.mul (local.get $n) (v128.const f32x4 0.693145751953125 0.693145751953125 0.693145751953125 0.693145751953125)))
        (f32x4.mul (local.get $n) (v128.const f32x4 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6))))
    (local.set $p (v128.const f32x4 1.3888889e-3 1.3888889e-3 1.3888889e-3 1.3888889e-3))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3333333e-3 8.3333333e-3 8.3333333e-3 8.3333333e-3)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1666667e-2 4.1666667e-2 4.1666667e-2 4.1666667e-2)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (v128.bitselect
      (v128.const i32x4 0 0 0 0)
      (f32x4.mul (local.get $p)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127))
          (i32.const 23)))
      (f32x4.lt (local.get $x) (v128.const f32x4 -87 -87 -87 -87))))

;; In place: p[0 … Kp) ← softmax(p) (Kp a multiple of 4), given the row's maximum mx (from refine or rowMax). Returns
  ;; Σ e^(p − mx) as f64: the host checks that it is finite and ≥ 1 (a NaN score or a wrong mx breaks that).
  (func (export "softmax") (param $p i32) (param $Kp i32) (param $mx f32) (result f64)
    (local $i i32) (local $end i32) (local $m v128) (local $e v128)
    (local $s0 v128) (local $s1 v128) (local $sum f64) (local $inv v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $Kp) (i32.const 2))))
    (local.set $m (f32x4.splat (local.get $mx)))
    (local.set $s0 (v128.const f64x2 0 0))
    (local.set $s1 (v128.const f64x2 0 0))
    (local.set $i (local.get $p))
    (block $d2
      (loop $l2
        (br_if $d2 (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $e (call $exp4 (f32x4.sub (v128.load (local.get $i)) (local.get $m))))
        (v128.store (local.get $i) (local.get $e))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.promote_low_f32x4 (local.get $e))))
        (local.set $s1
          (f64x2.add (local.get $s1)
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l2)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $inv (f32x4.splat (f32.demote_f64 (f64.div (f64.const 1) (local.get $sum)))))
    (local.set $i (local.get $p))
    (block $d3
      (loop $l3
        (br_if $d3 (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (local.get $i) (f32x4.mul (v128.load (local.get $i)) (local.get $inv)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l3)))
    (local.get $sum))

;; acc64[at … at + 8) += the 8 lanes of a and b, promoted to f64
  (func $carry (param $at i32) (param $a v128) (param $b v128)
    (v128.store (local.get $at)
      (f64x2.add (v128.load (local.get $at)) (f64x2.promote_low_f32x4 (local.get $a))))
    (v128.store offset=16 (local.get $at)
      (f64x2.add (v128.load offset=16 (local.get $at))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))))
    (v128.store offset=32 (local.get $at)
      (f64x2.add (v128.load offset=32 (local.get $at)) (f64x2.promote_low_f32x4 (local.get $b))))
    (v128.store offset=48 (local.get $at)
      (f64x2.add (v128.load offset=48 (local.get $at))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $b) (local.get $b))))))

  ;; One face's Σ_k p[k] · c[k, ·] over the n classes in idx (all = 1: over classes 0 … n − 1, in order, idx unused),
  ;; into acc64 (dim f64, overwritten). Classes go in
  ;; blocks of 64 (their centre rows stay in cache); within a block each run of 32 coordinates is summed in eight f32x4
  ;; registers over the block's classes (so a class's index, probability and row address are loaded once per 32
  ;; multiply-adds), then carried into f64; the last dim mod 32 coordinates go 8 at a time, then one at a time.
  (func (export "expectedList")
    (param $p i32) (param $idx i32) (param $n i32) (param $c i32) (param $dim i32) (param $acc64 i32) (param $all i32)
    (local $i0 i32) (local $i1 i32) (local $i i32) (local $j i32) (local $k i32) (local $dim8 i32) (local $dim32 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $pv v128) (local $row i32) (local $t f32) (local $at i32)
    (local.set $dim8 (i32.and (local.get $dim) (i32.const -8)))
    (local.set $dim32 (i32.and (local.get $dim) (i32.const -32)))
    (local.set $j (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $j) (local.get $dim)))
      (f64.store (i32.add (local.get $acc64) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zl)))
    (local.set $i0 (i32.const 0))
    (block $bdone
      (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $i0) (local.get $n)))
        (local.set $i1 (i32.add (local.get $i0) (i32.const 64)))
        (if (i32.gt_u (local.get $i1) (local.get $n)) (then (local.set $i1 (local.get $n))))
        ;; 32 coordinates at a time
        (local.set $j (i32.const 0))
        (block $j32done
          (loop $j32loop
            (br_if $j32done (i32.ge_u (local.get $j) (local.get $dim32)))
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $a1 (v128.const f32x4 0 0 0 0))
            (local.set $a2 (v128.const f32x4 0 0 0 0))
            (local.set $a3 (v128.const f32x4 0 0 0 0))
            (local.set $a4 (v128.const f32x4 0 0 0 0))
            (local.set $a5 (v128.const f32x4 0 0 0 0))
            (local.set $a6 (v128.const f32x4 0 0 0 0))
            (local.set $a7 (v128.const f32x4 0 0 0 0))
            (local.set $i (local.get $i0))
            (block $i32done
              (loop $i32loop
                (br_if $i32done (i32.ge_u (local.get $i) (local.get $i1)))
                (local.set $k (select (local.get $i) (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))) (local.get $all)))
                (local.set $pv (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $row
                  (i32.add (local.get $c)
                    (i32.shl (i32.add (i32.mul (local.get $k) (local.get $dim)) (local.get $j)) (i32.const 2))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $pv) (v128.load offset=0 (local.get $row)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $pv) (v128.load offset=16 (local.get $row)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $pv) (v128.load offset=32 (local.get $row)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $pv) (v128.load offset=48 (local.get $row)))))
                (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $pv) (v128.load offset=64 (local.get $row)))))
                (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $pv) (v128.load offset=80 (local.get $row)))))
                (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $pv) (v128.load offset=96 (local.get $row)))))
                (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $pv) (v128.load offset=112 (local.get $row)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $i32loop)))
            (local.set $at (i32.add (local.get $acc64) (i32.shl (local.get $j) (i32.const 3))))
            (call $carry (i32.add (local.get $at) (i32.const 0)) (local.get $a0) (local.get $a1))
            (call $carry (i32.add (local.get $at) (i32.const 64)) (local.get $a2) (local.get $a3))
            (call $carry (i32.add (local.get $at) (i32.const 128)) (local.get $a4) (local.get $a5))
            (call $carry (i32.add (local.get $at) (i32.const 192)) (local.get $a6) (local.get $a7))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $j32loop)))
        ;; 8 coordinates at a time
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $dim8)))
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (local.set $a1 (v128.const f32x4 0 0 0 0))
            (local.set $i (local.get $i0))
            (block $idone
              (loop $iloop
                (br_if $idone (i32.ge_u (local.get $i) (local.get $i1)))
                (local.set $k (select (local.get $i) (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))) (local.get $all)))
                (local.set $pv (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $row
                  (i32.add (local.get $c)
                    (i32.shl (i32.add (i32.mul (local.get $k) (local.get $dim)) (local.get $j)) (i32.const 2))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $pv) (v128.load (local.get $row)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $pv) (v128.load offset=16 (local.get $row)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iloop)))
            (call $carry (i32.add (local.get $acc64) (i32.shl (local.get $j) (i32.const 3))) (local.get $a0) (local.get $a1))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $jloop)))
        ;; the last dim mod 8 coordinates, one at a time
        (block $tdone
          (loop $tloop
            (br_if $tdone (i32.ge_u (local.get $j) (local.get $dim)))
            (local.set $t (f32.const 0))
            (local.set $i (local.get $i0))
            (block $idone2
              (loop $iloop2
                (br_if $idone2 (i32.ge_u (local.get $i) (local.get $i1)))
                (local.set $k (select (local.get $i) (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))) (local.get $all)))
                (local.set $t
                  (f32.add (local.get $t)
                    (f32.mul
                      (f32.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2))))
                      (f32.load (i32.add (local.get $c)
                        (i32.shl (i32.add (i32.mul (local.get $k) (local.get $dim)) (local.get $j)) (i32.const 2)))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iloop2)))
            (local.set $at (i32.add (local.get $acc64) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (local.get $t))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tloop)))
        (local.set $i0 (local.get $i1))
        (br $bloop))))

;; faces[i] when i < nf, else −1 (a padding lane of expectedDense's last group)
  (func $listed (param $faces i32) (param $i i32) (param $nf i32) (result i32)
    (select (i32.load (i32.add (local.get $faces) (i32.shl (local.get $i) (i32.const 2)))) (i32.const -1)
      (i32.lt_u (local.get $i) (local.get $nf))))

  ;; Σ_k p[b, k] · c[k, ·] over every class k < K for the nf faces b listed in faces (i32), into acc64 + b · dim
  ;; (f64, overwritten; p rows Kp floats apart): the expected shapes of a batch whose posteriors are spread, reading
  ;; the centres once per call (a face at a time, through an index list, reads them once per face). Classes go in
  ;; blocks of 128 (35–70 KB of centres: they stay in cache while every face group passes over them), faces in groups
  ;; of 4 (a short last group writes its missing faces to `spare`, dim f64 of scratch), coordinates 8 at a time in
  ;; eight f32x4 registers (4 faces × 8), carried into f64 per block; the last dim mod 8 one at a time.
  (func (export "expectedDense")
    (param $p i32) (param $Kp i32) (param $faces i32) (param $nf i32) (param $K i32) (param $c i32) (param $dim i32)
    (param $acc64 i32) (param $spare i32)
    (local $k0 i32) (local $k1 i32) (local $k i32) (local $k4 i32) (local $g i32) (local $j i32) (local $b i32)
    (local $dim8 i32) (local $row i32) (local $at i32) (local $s v128) (local $v0 v128) (local $v1 v128) (local $cv f32)
    (local $p0 i32) (local $acc0 i32) (local $a00 v128) (local $a01 v128) (local $t0 f32)
    (local $p1 i32) (local $acc1 i32) (local $a10 v128) (local $a11 v128) (local $t1 f32)
    (local $p2 i32) (local $acc2 i32) (local $a20 v128) (local $a21 v128) (local $t2 f32)
    (local $p3 i32) (local $acc3 i32) (local $a30 v128) (local $a31 v128) (local $t3 f32)
    (local.set $dim8 (i32.and (local.get $dim) (i32.const -8)))
    ;; zero the sums
    (local.set $j (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $j) (local.get $nf)))
      (local.set $b (i32.load (i32.add (local.get $faces) (i32.shl (local.get $j) (i32.const 2)))))
      (memory.fill (i32.add (local.get $acc64) (i32.mul (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
        (i32.const 0) (i32.shl (local.get $dim) (i32.const 3)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $zl)))
    (local.set $k0 (i32.const 0))
    (block $kdone
      (loop $kloop
        (br_if $kdone (i32.ge_u (local.get $k0) (local.get $K)))
        (local.set $k1 (i32.add (local.get $k0) (i32.const 128)))
        (if (i32.gt_u (local.get $k1) (local.get $K)) (then (local.set $k1 (local.get $K))))
        (local.set $g (i32.const 0))
        (block $gdone
          (loop $gloop
            (br_if $gdone (i32.ge_u (local.get $g) (local.get $nf)))
            (local.set $b (call $listed (local.get $faces) (i32.add (local.get $g) (i32.const 0)) (local.get $nf)))
            (local.set $p0 (select (i32.add (local.get $p) (i32.mul (local.get $b) (i32.shl (local.get $Kp) (i32.const 2))))
              (local.get $p) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $acc0 (select (i32.add (local.get $acc64) (i32.mul (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
              (local.get $spare) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $b (call $listed (local.get $faces) (i32.add (local.get $g) (i32.const 1)) (local.get $nf)))
            (local.set $p1 (select (i32.add (local.get $p) (i32.mul (local.get $b) (i32.shl (local.get $Kp) (i32.const 2))))
              (local.get $p) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $acc1 (select (i32.add (local.get $acc64) (i32.mul (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
              (local.get $spare) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $b (call $listed (local.get $faces) (i32.add (local.get $g) (i32.const 2)) (local.get $nf)))
            (local.set $p2 (select (i32.add (local.get $p) (i32.mul (local.get $b) (i32.shl (local.get $Kp) (i32.const 2))))
              (local.get $p) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $acc2 (select (i32.add (local.get $acc64) (i32.mul (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
              (local.get $spare) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $b (call $listed (local.get $faces) (i32.add (local.get $g) (i32.const 3)) (local.get $nf)))
            (local.set $p3 (select (i32.add (local.get $p) (i32.mul (local.get $b) (i32.shl (local.get $Kp) (i32.const 2))))
              (local.get $p) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $acc3 (select (i32.add (local.get $acc64) (i32.mul (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
              (local.get $spare) (i32.ge_s (local.get $b) (i32.const 0))))
            (local.set $j (i32.const 0))
            (block $jdone
              (loop $jloop
                (br_if $jdone (i32.ge_u (local.get $j) (local.get $dim8)))
                (local.set $a00 (v128.const f32x4 0 0 0 0)) (local.set $a01 (v128.const f32x4 0 0 0 0))
                (local.set $a10 (v128.const f32x4 0 0 0 0)) (local.set $a11 (v128.const f32x4 0 0 0 0))
                (local.set $a20 (v128.const f32x4 0 0 0 0)) (local.set $a21 (v128.const f32x4 0 0 0 0))
                (local.set $a30 (v128.const f32x4 0 0 0 0)) (local.set $a31 (v128.const f32x4 0 0 0 0))
                (local.set $k (local.get $k0))
                (local.set $row
                  (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $k0) (local.get $dim)) (local.get $j)) (i32.const 2))))
                (block $idone
                  (loop $iloop
                    (br_if $idone (i32.ge_u (local.get $k) (local.get $k1)))
                    (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
                    (local.set $v0 (v128.load (local.get $row)))
                    (local.set $v1 (v128.load offset=16 (local.get $row)))
                    (local.set $s (v128.load32_splat (i32.add (local.get $p0) (local.get $k4))))
                    (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $v0))))
                    (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $v1))))
                    (local.set $s (v128.load32_splat (i32.add (local.get $p1) (local.get $k4))))
                    (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $v0))))
                    (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $v1))))
                    (local.set $s (v128.load32_splat (i32.add (local.get $p2) (local.get $k4))))
                    (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $v0))))
                    (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $v1))))
                    (local.set $s (v128.load32_splat (i32.add (local.get $p3) (local.get $k4))))
                    (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $v0))))
                    (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $v1))))
                    (local.set $row (i32.add (local.get $row) (i32.shl (local.get $dim) (i32.const 2))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $iloop)))
                (call $carry (i32.add (local.get $acc0) (i32.shl (local.get $j) (i32.const 3))) (local.get $a00) (local.get $a01))
                (call $carry (i32.add (local.get $acc1) (i32.shl (local.get $j) (i32.const 3))) (local.get $a10) (local.get $a11))
                (call $carry (i32.add (local.get $acc2) (i32.shl (local.get $j) (i32.const 3))) (local.get $a20) (local.get $a21))
                (call $carry (i32.add (local.get $acc3) (i32.shl (local.get $j) (i32.const 3))) (local.get $a30) (local.get $a31))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br $jloop)))
            ;; the last dim mod 8 coordinates
            (block $tdone
              (loop $tloop
                (br_if $tdone (i32.ge_u (local.get $j) (local.get $dim)))
                    (local.set $t0 (f32.const 0)) (local.set $t1 (f32.const 0)) (local.set $t2 (f32.const 0)) (local.set $t3 (f32.const 0))
                (local.set $k (local.get $k0))
                (block $idone2
                  (loop $iloop2
                    (br_if $idone2 (i32.ge_u (local.get $k) (local.get $k1)))
                    (local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
                    (local.set $cv (f32.load (i32.add (local.get $c)
                      (i32.shl (i32.add (i32.mul (local.get $k) (local.get $dim)) (local.get $j)) (i32.const 2)))))
                    (local.set $t0 (f32.add (local.get $t0) (f32.mul (f32.load (i32.add (local.get $p0) (local.get $k4))) (local.get $cv))))
                    (local.set $t1 (f32.add (local.get $t1) (f32.mul (f32.load (i32.add (local.get $p1) (local.get $k4))) (local.get $cv))))
                    (local.set $t2 (f32.add (local.get $t2) (f32.mul (f32.load (i32.add (local.get $p2) (local.get $k4))) (local.get $cv))))
                    (local.set $t3 (f32.add (local.get $t3) (f32.mul (f32.load (i32.add (local.get $p3) (local.get $k4))) (local.get $cv))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $iloop2)))
            (local.set $at (i32.add (local.get $acc0) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (local.get $t0))))
            (local.set $at (i32.add (local.get $acc1) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (local.get $t1))))
            (local.set $at (i32.add (local.get $acc2) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (local.get $t2))))
            (local.set $at (i32.add (local.get $acc3) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (f64.promote_f32 (local.get $t3))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $tloop)))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $gloop)))
        (local.set $k0 (local.get $k1))
        (br $kloop))))

)
