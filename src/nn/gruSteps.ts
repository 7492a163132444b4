/**
 * The native backend's agent layers (fc1 and the GRU) as one program over an abstract set of
 * TensorFlow ops, written once and run two ways: as eager calls on handle ids (`gruNative.ts`)
 * or as nodes of a graph (`gruGraph.ts`). Both paths issue these ops in this order on these
 * shapes, which is why their results are the same bits.
 *
 * Forward, per step (gate order r | z | n, PyTorch's GRUCell):
 *   gh = h W_h + b_h                [gh_rz | g]         rz = σ(gi_rz + gh_rz)
 *   n  = tanh(gi_n + r ⊙ g)         h' = n + z ⊙ (h − n)
 * Backward (gru.ts's comment), per step with dh the gradient reaching h_t:
 *   dn = tanh'(n) ⊙ dh (1 − z)      drz = σ'(rz) ⊙ [dn ⊙ g, dh ⊙ (h − n)]
 *   dgi = [drz, dn]                 dgh = [drz, dn ⊙ r]       dh_{t−1} = dh ⊙ z + dgh W_hᵀ
 * then dW_h = Σ_t h_{t−1}ᵀ dgh_t, dW_i = Σ_t e_tᵀ dgi_t and the biases' sums, as one MatMul
 * and one Sum each over all steps.
 */

/** TensorFlow ops on values V (handle ids, or a graph's node outputs). */
export interface GruOps<V> {
  /** a [m, k] · b [k, n] (either transposed first): TensorFlow's MatMul (`plain`) or BatchMatMulV2. */
  matMul(a: V, b: V, plain: boolean, transposeA?: boolean, transposeB?: boolean): V
  /** x [m, n] + bias [n]. */
  biasAdd(x: V, bias: V): V
  unary(op: "Relu" | "Sigmoid" | "Tanh", x: V): V
  binary(op: "AddV2" | "Sub" | "Mul" | "TanhGrad" | "SigmoidGrad" | "ReluGrad", a: V, b: V): V
  /** x split along `axis` (an int32 scalar) into pieces of `sizes` (an int32 [k]). */
  splitV(x: V, sizes: V, k: number, axis: V): Array<V>
  /** xs joined along `axis` (an int32 scalar); one piece is copied (ConcatV2 needs two or more). */
  concat(xs: ReadonlyArray<V>, axis: V): V
  /** Σ over the axes in `axes` (an int32 [k]). */
  sum(x: V, axes: V): V
  /** Values no longer needed: eager calls delete them now; a graph ignores this. */
  drop(vs: ReadonlyArray<V>): void
}

/** The int32 constants the program uses, made once per pass. */
export interface GruConsts<V> {
  readonly axis0: V // 0
  readonly axis1: V // 1
  readonly rzAndN: V // [2H, H]
  readonly halves: V // [H, H]
  readonly rows: V // [0]
}

/**
 * e = relu(x W1 + b1) [T·R, H], and gi = e W_i + b_i split into gi_rz [T·R, 2H] and gi_n [T·R, H].
 */
export const inputLayers = <V>(o: GruOps<V>, c: GruConsts<V>, x: V, w1: V, b1: V, wi: V, bi: V): { e: V; giRZ: V; giN: V } => {
  const xW1 = o.matMul(x, w1, true) // m = T·R
  const pre = o.biasAdd(xW1, b1)
  const e = o.unary("Relu", pre) // [T·R, H]
  const eWi = o.matMul(e, wi, true)
  const gi = o.biasAdd(eWi, bi) // [T·R, 3H]
  const [giRZ, giN] = o.splitV(gi, c.rzAndN, 2, c.axis1) as [V, V]
  o.drop([xW1, pre, eWi, gi])
  return { e, giRZ, giN }
}

/** What a forward step keeps for the backward pass: rz [R, 2H], n, g, h_{t−1} − n [R, H]. */
export type Kept<V> = readonly [V, V, V, V]

/**
 * One forward step from h [R, H] with this step's gi_rz, gi_n → h_t, and what the backward pass
 * needs when `keep` (otherwise dropped). `plain`: MatMul for h W_h (k = H ≤ 64), else
 * BatchMatMulV2 (gruNative.ts's `Ops.matMul` says why).
 */
export const forwardStep = <V>(o: GruOps<V>, c: GruConsts<V>, wh: V, bh: V, plain: boolean, h: V, giRZ: V, giN: V, keep: boolean): { h: V; kept: Kept<V> | undefined } => {
  const ghRaw = o.matMul(h, wh, plain) // m = R, k = H
  const gh = o.biasAdd(ghRaw, bh) // h W_h + b_h: [R, 3H]
  const [ghRZ, g] = o.splitV(gh, c.rzAndN, 2, c.axis1) as [V, V] // [R, 2H], [R, H]
  const aRZ = o.binary("AddV2", giRZ, ghRZ)
  const rz = o.unary("Sigmoid", aRZ) // [r | z]: [R, 2H]
  const [r, z] = o.splitV(rz, c.halves, 2, c.axis1) as [V, V]
  const rg = o.binary("Mul", r, g)
  const aN = o.binary("AddV2", giN, rg)
  const n = o.unary("Tanh", aN) // n = tanh(gi_n + r ⊙ g): [R, H]
  const hMinusN = o.binary("Sub", h, n)
  const zh = o.binary("Mul", z, hMinusN)
  const next = o.binary("AddV2", n, zh) // h_t = n + z (h_{t−1} − n): [R, H]
  // A step's temporaries are deleted once used, so an eager pass holds only what it keeps.
  o.drop([ghRaw, gh, ghRZ, aRZ, r, z, rg, aN, zh, giRZ, giN, ...(keep ? [] : [rz, n, g, hMinusN])])
  return { h: next, kept: keep ? [rz, n, g, hMinusN] : undefined }
}

/**
 * One backward step: dy_t and the gradient carried from step t + 1 (none at the last step) and
 * the step's kept values → drz [R, 2H], dn [R, H], dgh [R, 3H], and when `carryOut` the gradient
 * reaching h_{t−1}.
 */
export const backwardStep = <V>(o: GruOps<V>, c: GruConsts<V>, wh: V, dy: V, carry: V | undefined, [rz, n, g, hmn]: Kept<V>, carryOut: boolean): { drz: V; dn: V; dgh: V; carry: V | undefined } => {
  const dh = carry === undefined ? dy : o.binary("AddV2", dy, carry) // [R, H]
  const [r, z] = o.splitV(rz, c.halves, 2, c.axis1) as [V, V]
  const dhz = o.binary("Mul", dh, z)
  const dn = o.binary("TanhGrad", n, o.binary("Sub", dh, dhz)) // dh (1 − z)(1 − n²): [R, H]
  const drz = o.binary("SigmoidGrad", rz, o.concat([o.binary("Mul", dn, g), o.binary("Mul", dh, hmn)], c.axis1)) // [dr, dz]: [R, 2H]
  const dgh = o.concat([drz, o.binary("Mul", dn, r)], c.axis1) // [dr, dz, dn ⊙ r]: [R, 3H]
  const next = carryOut ? o.binary("AddV2", dhz, o.matMul(dgh, wh, false, false, true) /* m = R, k = 3H */) : undefined // dh ⊙ z + dgh W_hᵀ: [R, H]
  return { drz, dn, dgh, carry: next }
}

/**
 * The six parameter gradients from every step's drz [T·R, 2H], dn [T·R, H] and dgh [T·R, 3H]
 * (stacked in step order), the inputs x, W_i, e and h_{t−1} [T·R, H]: dW1, db1, dW_i, db_i, dW_h, db_h.
 */
export const weightGradients = <V>(o: GruOps<V>, c: GruConsts<V>, x: V, wi: V, e: V, hPrev: V, drz: V, dn: V, dgh: V): Array<V> => {
  const dgi = o.concat([drz, dn], c.axis1) // [T·R, 3H]
  const dWh = o.matMul(hPrev, dgh, true, true) // Σ_t h_{t−1}ᵀ dgh_t: [H, 3H]
  const dbh = o.sum(dgh, c.rows) // [3H]
  const dWi = o.matMul(e, dgi, true, true) // Σ_t e_tᵀ dgi_t: [H, 3H]
  const dbi = o.sum(dgi, c.rows)
  const dPre = o.binary("ReluGrad", o.matMul(dgi, wi, false, false, true) /* k = 3H */, e) // (dgi W_iᵀ) ⊙ [e > 0]: [T·R, H]
  const dW1 = o.matMul(x, dPre, true, true) // [I, H]
  const db1 = o.sum(dPre, c.rows) // [H]
  return [dW1, db1, dWi, dbi, dWh, dbh]
}
