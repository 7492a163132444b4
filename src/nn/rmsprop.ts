/**
 * RMSProp with gradient-norm clipping, as PyMARL trains (PyTorch's `clip_grad_norm_` then
 * `torch.optim.RMSprop`), over S independent replicas, on plain arrays.
 *
 *   g ← g · min(1, clip / (‖g‖₂ + 1e-6))          (clip_grad_norm_)
 *   m ← ρ m + (1 − ρ) g²
 *   θ ← θ − lr · g / (√m + ε)                      (ε outside the root, as PyTorch)
 *
 * The clipping norm is taken per replica, over that replica's elements only, so one
 * replica's large gradient never rescales another's: replicas train exactly as they would
 * alone. Arithmetic is float64, stored back as float32; it does not depend on the tensor
 * backend.
 */
import type { ParamLayout } from "./params.ts"

/**
 * PyTorch's `clip_grad_norm_` for one replica's blocks: its gradient 2-norm and the factor
 * min(1, clip / (‖g‖₂ + 1e-6)) that scales the gradient to at most `clip`.
 */
export const clipCoefficient = (
  blocks: ReadonlyArray<readonly [number, number]>,
  grad: ArrayLike<number>,
  clip: number
): { readonly norm: number; readonly coef: number } => {
  let sq = 0
  for (const [start, n] of blocks) for (let j = start; j < start + n; j++) sq += grad[j]! * grad[j]!
  const norm = Math.sqrt(sq) // ‖g_s‖₂
  return { norm, coef: Math.min(1, clip / (norm + 1e-6)) } // clip_grad_norm_
}

export interface RmsPropSettings {
  readonly lr: number
  /** ρ, the decay of the squared-gradient average (PyTorch's `alpha`). */
  readonly rho: number
  readonly eps: number
  /** Largest gradient 2-norm per replica. */
  readonly gradNormClip: number
}

/**
 * One update, in place, of the flat parameters and squared-gradient averages of S replicas
 * laid out by `layout` (see `ParamLayout`), from gradients in the same layout.
 * Returns each replica's gradient norm before clipping.
 */
export const rmspropStep = (
  layout: ParamLayout,
  S: number,
  params: Float32Array,
  squareAvg: Float32Array,
  grad: ArrayLike<number>,
  { lr, rho, eps, gradNormClip }: RmsPropSettings
): Array<number> => {
  const norms: Array<number> = []
  for (let s = 0; s < S; s++) {
    const blocks = layout.blocks(S, s)
    const { norm, coef } = clipCoefficient(blocks, grad, gradNormClip)
    norms.push(norm)
    for (const [start, n] of blocks) {
      for (let j = start; j < start + n; j++) {
        const g = grad[j]! * coef
        const m = rho * squareAvg[j]! + (1 - rho) * g * g
        squareAvg[j] = m
        params[j] = params[j]! - lr * (g / (Math.sqrt(m) + eps))
      }
    }
  }
  return norms
}
