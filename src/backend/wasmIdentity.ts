/**
 * The wasm backend's `Identity` kernel, sharing memory instead of copying it.
 *
 * tfjs clones every tensor a kernel keeps for its backward pass (`saveTensorsForBackwardMode`
 * runs `Identity` on each), and `tf.clone` is `Identity` too. The cpu backend's `Identity` shares
 * the input's data (one more reference to it); the wasm package's copies it. On the SMAC
 * learner update that was 99–139 copies, up to 5 MB each: 8–11 ms of a 200–300 ms update
 * (per-kernel profile, session 6).
 *
 * Sharing is safe because no wasm kernel writes into an input's memory, and tensors are
 * immutable through tfjs's API (a variable's `assign` takes the new tensor's data, it does not
 * write into the old). The one place this project writes into wasm memory directly,
 * `src/nn/gruWasm.ts`, writes only into buffers it has just allocated and not yet handed out.
 * The values are the same bytes either way (a test compares three learner updates).
 */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"

interface RefCounting {
  incRef: (dataId: tf.DataId) => void
}

/** The package's own (copying) kernel, for comparisons. */
export const copyingWasmIdentity: tf.KernelConfig | undefined = tf.getKernel("Identity", "wasm")

const sharedIdentity: tf.KernelFunc = (args) => {
  const x = args.inputs["x"] as tf.TensorInfo
  if (x.dtype === "string" && copyingWasmIdentity !== undefined) return copyingWasmIdentity.kernelFunc(args) // strings live outside wasm memory
  ;(args.backend as unknown as RefCounting).incRef(x.dataId) // the output holds a reference of its own
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

const set = (kernelFunc: tf.KernelFunc): void => {
  if (tf.getKernel("Identity", "wasm") !== undefined) tf.unregisterKernel("Identity", "wasm")
  tf.registerKernel({ kernelName: "Identity", backendName: "wasm", kernelFunc })
}

/** Use the sharing `Identity` on wasm (`share`, the default) or the package's copying one. */
export const shareWasmIdentity = (share = true): void => {
  if (share) set(sharedIdentity)
  else if (copyingWasmIdentity !== undefined) set(copyingWasmIdentity.kernelFunc)
}

shareWasmIdentity()
