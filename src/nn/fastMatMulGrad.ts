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
 *
 * There it swaps in ReLU's and |·|'s gradients as TensorFlow ops instead: tfjs writes them as
 * dy · step(x) (ReLU) and dy · step(x, −1) (|·|), and tfjs-node's Step kernel is six eager ops
 * with two full-size constant tensors (IsNan, Greater, Fill twice, Select twice), then a Cast and
 * a Mul. TensorFlow's ReluGrad computes dy · cast(x > 0) in one op (relu_op_functor.h), the same
 * products; |·|'s is SelectV2(x > 0, dy, −dy), three ops, where dy · 1 = dy and dy · (−1) = −dy
 * exactly. So the bits are the same for every finite x (spec/backend/nativeGolden.json, computed
 * before this change, checks every SMAC learner's update); only at x = NaN do they part (tfjs
 * gives NaN, these give 0 or −dy), where the loss is NaN already.
 */
import * as tf from "@tensorflow/tfjs"
import { gruNativeAvailable, type NodeBackend } from "./gruNative.ts"

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

/** One TensorFlow op on float32 tensors (attribute T = float), as a tfjs tensor in the current scope (tfjs-node's executeSingleOutput). */
const nativeOp = (name: string, inputs: Array<tf.Tensor>): tf.Tensor => {
  const b = tf.backend() as NodeBackend
  const [out] = b.binding.executeOp(name, [{ name: "T", type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], b.getInputTensorIds(inputs), 1)
  return b.createOutputTensor(out!)
}

const nativeRelu: tf.GradConfig = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor]
    return { x: () => nativeOp("ReluGrad", [dy as tf.Tensor, x]) } // dy · cast(x > 0)
  }
}

const nativeAbs: tf.GradConfig = {
  kernelName: "Abs",
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor]
    const g = dy as tf.Tensor
    return { x: () => tf.where(tf.greater(x, 0), g, tf.neg(g)) } // dy · (x > 0 ? 1 : −1), tfjs's step(x, −1)
  }
}

/** Run `f` with `configs` as the registered gradients, then put back what was registered before. */
const withGradients = <A>(configs: ReadonlyArray<tf.GradConfig>, f: () => A): A => {
  const before = configs.map((c) => tf.getGradient(c.kernelName))
  for (const c of configs) tf.registerGradient(c)
  try {
    return f()
  } finally {
    for (const c of before) tf.registerGradient(c)
  }
}

let nativeGradients = true

/** Whether `withFastMatMulGradient` swaps in the native ReLU and |·| gradients on tfjs-node (default on; the bench compares both). */
export const setNativeGradients = (on: boolean): void => {
  nativeGradients = on
}

/**
 * Run `f` (synchronous) with the gradients that suit the active backend: on wasm the
 * explicit-transpose matMul gradient, on tfjs-node ReLU's and |·|'s as TensorFlow ops (both
 * above) where its internals are those of the version they were written against
 * (`gruNativeAvailable`), else tfjs's own.
 */
export const withFastMatMulGradient = <A>(f: () => A): A =>
  tf.getBackend() !== "tensorflow" ? withGradients([fast], f) : nativeGradients && gruNativeAvailable() ? withGradients([nativeRelu, nativeAbs], f) : f()
