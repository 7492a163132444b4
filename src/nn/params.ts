/**
 * Parameters of S independent replicas (seeds, or seed × variant slices), kept on the CPU
 * as one flat Float32Array and handed to tfjs as one tensor per named parameter.
 *
 * Layout: parameter after parameter, each a contiguous block [S, ...shape] (replica-major
 * within the block). Every parameter's tensor is then one contiguous copy, and the
 * gradients, concatenated in the same order, line up with the parameters element for
 * element, so the optimizer (`rmsprop.ts`) runs on plain arrays. (Networks this small are
 * dominated by per-op overhead; slicing views out of one big tensor costs a full copy of
 * it per slice on the wasm backend.)
 *
 * Initial values are drawn per replica from its own seeded stream, in a fixed order
 * (layout order, row-major within a parameter): replica s gets the same weights whether it
 * is trained alone or batched with others. `init` gives one replica's [P]; `stack` lays S
 * of them out as above. (`views` serves the older replica-major [S, P] tensor layout.)
 */
import * as tf from "@tensorflow/tfjs"
import type { Stream } from "../rng/Rng.ts"

/** One named parameter tensor of a replica. */
export interface ParamSpec {
  readonly name: string
  /** Shape of one replica's tensor (the tensor adds a leading S). */
  readonly shape: ReadonlyArray<number>
  /** Initial values ~ U(−bound, bound); PyTorch's nn.Linear default is 1/√fan_in for weight and bias. */
  readonly bound: number
}

const sizeOf = (shape: ReadonlyArray<number>): number => shape.reduce((a, b) => a * b, 1)

export class ParamLayout {
  readonly specs: ReadonlyArray<ParamSpec>
  /** Elements of each parameter, for one replica. */
  readonly sizes: ReadonlyArray<number>
  /** P, the number of parameters of one replica. */
  readonly size: number

  constructor(specs: ReadonlyArray<ParamSpec>) {
    const names = new Set<string>()
    for (const s of specs) {
      if (names.has(s.name)) throw new Error(`ParamLayout: duplicate parameter ${s.name}`)
      names.add(s.name)
    }
    this.specs = specs
    this.sizes = specs.map((s) => sizeOf(s.shape))
    this.size = this.sizes.reduce((a, b) => a + b, 0)
  }

  /** One replica's initial parameters [P], drawn from `stream` in layout order (row-major within a parameter). */
  init(stream: Stream): Float32Array {
    const out = new Float32Array(this.size)
    let k = 0
    this.specs.forEach((spec, i) => {
      for (let j = 0; j < this.sizes[i]!; j++) out[k++] = stream.uniform(-spec.bound, spec.bound)
    })
    return out
  }

  /** The flat parameters [S · P] (parameter-major, see above) of replicas given one by one ([P] each, as `init`). */
  stack(replicas: ReadonlyArray<ArrayLike<number>>): Float32Array {
    const S = replicas.length
    const out = new Float32Array(S * this.size)
    let offset = 0 // of the parameter's block
    let within = 0 // of the parameter inside one replica's [P]
    this.sizes.forEach((n) => {
      replicas.forEach((row, s) => {
        for (let j = 0; j < n; j++) out[offset + s * n + j] = row[within + j]!
      })
      offset += S * n
      within += n
    })
    return out
  }

  /**
   * One tensor [S, ...shape] per parameter, in layout order, from flat parameters [S · P]: each a
   * copy, so that changing `flat` afterwards (an optimizer step in place) never changes a
   * tensor. Without the copy it could on the native backend: tfjs-node hands TensorFlow the
   * array's own memory, and TensorFlow keeps it without copying whenever the address is 64-byte
   * aligned (`TF_NewTensor` copies only unaligned data), so whether a tensor followed later
   * writes depended on where V8 had put the array (measured: spec/foundation/params.test.ts).
   */
  tensors(flat: Float32Array, S: number): Array<tf.Tensor> {
    let offset = 0
    return this.specs.map((spec, k) => {
      const n = S * this.sizes[k]!
      const t = tf.tensor(flat.slice(offset, offset + n), [S, ...spec.shape])
      offset += n
      return t
    })
  }

  /** Parameter tensors by name. */
  named(tensors: ReadonlyArray<tf.Tensor>): Record<string, tf.Tensor> {
    const out: Record<string, tf.Tensor> = {}
    this.specs.forEach((spec, k) => (out[spec.name] = tensors[k]!))
    return out
  }

  /** Replica s's parameters by name (row-major), from flat parameters of S replicas. */
  unpack(flat: ArrayLike<number>, S: number, s: number): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {}
    this.specs.forEach((spec, k) => {
      const [start, n] = this.blocks(S, s)[k]!
      out[spec.name] = Float32Array.from({ length: n }, (_, j) => flat[start + j]!)
    })
    return out
  }

  /**
   * Named views [S, ...shape] of a replica-major tensor [S, P] (each row one replica's `init`
   * order), by one split. On the wasm backend every slice of a split reads the whole input,
   * so this costs a copy of [S, P] per parameter; prefer `tensors` of `stack`ed parameters.
   */
  views(flat: tf.Tensor): Record<string, tf.Tensor> {
    const S = flat.shape[0]!
    const parts = tf.split(flat, [...this.sizes], 1)
    const out: Record<string, tf.Tensor> = {}
    this.specs.forEach((spec, i) => {
      out[spec.name] = tf.reshape(parts[i]!, [S, ...spec.shape])
    })
    return out
  }

  /** The start of replica s's block of each parameter, and its length: for per-replica loops. */
  blocks(S: number, s: number): Array<readonly [start: number, length: number]> {
    let offset = 0
    return this.sizes.map((n) => {
      const block = [offset + s * n, n] as const
      offset += S * n
      return block
    })
  }
}

/** A fully connected layer's parameters: `${name}.w` [in, out] and `${name}.b` [out], PyTorch default init. */
export const linearSpecs = (name: string, inputs: number, outputs: number): Array<ParamSpec> => {
  const bound = 1 / Math.sqrt(inputs)
  return [
    { name: `${name}.w`, shape: [inputs, outputs], bound },
    { name: `${name}.b`, shape: [outputs], bound }
  ]
}

/** An MLP's parameters, layers `${name}.0`, `${name}.1`, …: sizes = [in, hidden…, out]. */
export const mlpSpecs = (name: string, sizes: ReadonlyArray<number>): Array<ParamSpec> =>
  sizes.slice(1).flatMap((out, l) => linearSpecs(`${name}.${l}`, sizes[l]!, out))
