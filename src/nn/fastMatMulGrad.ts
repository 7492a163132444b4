/**
 * A faster gradient for matMul on the wasm backend, for the duration of one synchronous call.
 *
 * tfjs differentiates C = A B into dA = dC Bᵀ and dB = Aᵀ dC, computed by matMul with its
 * transpose flags set. The wasm kernel takes a slow path for transposed operands: about ten
 * times slower than transposing explicitly and multiplying (measured: [2000, 120]ᵀ·[2000, 64]
 * 19 ms vs 3 ms). Recurrent training runs hundreds of matMuls per update, so this dominated.
 *
 * The kernel (XNNPACK's fully-connected operator) also packs its right operand afresh for every
 * new tensor, and packing a tall one is slow: Aᵀ·dC with dC [19520, 192] took 64 ms against
 * 9 ms for the same product with the right operand reused. So a weight gradient dB = Aᵀ dC
 * puts the narrower of A and dC on the right: when dC is wider, it is computed as (dCᵀ A)ᵀ.
 *
 * `withFastMatMulGradient(f)` swaps in the same gradient written with explicit transposes,
 * runs `f` and puts tfjs's own gradient back, so nothing outside `f` sees the change (JS runs
 * `f` to completion; `f` must not be async). Values are the same products, summed by a
 * different kernel: equal up to float32 rounding.
 *
 * On the native backend (tfjs-node) it leaves tfjs's gradient in place: TensorFlow's
 * BatchMatMulV2 takes the transposes as flags without a slow path, and an explicit Transpose of
 * a [T·B, ·] operand cost about 0.9 ms there (13–20 per SMAC update, session 22). The bits were
 * the same both ways for every SMAC learner (spec/backend/nativeGolden.json, computed before the
 * change); FSV's update took about 10% less, the others about the same.
 */
import * as tf from "@tensorflow/tfjs"

const swapLast = (x: tf.Tensor): tf.Tensor => {
  const r = x.rank
  const perm = Array.from({ length: r }, (_, i) => i)
  perm[r - 1] = r - 2
  perm[r - 2] = r - 1
  return tf.transpose(x, perm)
}

const original = tf.getGradient("BatchMatMul")

const fast: tf.GradConfig = {
  kernelName: "BatchMatMul",
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean }
    if (transposeA || transposeB) return original.gradFunc(dy, saved, attrs)
    const [a, b] = saved as [tf.Tensor, tf.Tensor]
    const g = dy as tf.Tensor
    return {
      a: () => tf.matMul(g, swapLast(b)), // dA = dC Bᵀ
      // dB = Aᵀ dC, or (dCᵀ A)ᵀ when dC has more columns than A (the right operand is packed).
      b: () => g.shape[g.rank - 1]! > a.shape[a.rank - 1]! ? swapLast(tf.matMul(swapLast(g), a)) : tf.matMul(swapLast(a), g)
    }
  }
}

/** Run `f` (synchronous) with the explicit-transpose matMul gradient (on tfjs-node: with tfjs's own, see above). */
export const withFastMatMulGradient = <A>(f: () => A): A => {
  if (tf.getBackend() === "tensorflow") return f() // TensorFlow multiplies transposed operands at full speed (BatchMatMulV2's adj flags): the explicit transposes only cost time there
  tf.registerGradient(fast)
  try {
    return f()
  } finally {
    tf.registerGradient(original)
  }
}
