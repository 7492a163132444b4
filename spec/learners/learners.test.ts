/**
 * Each discrete learner's tensor computation against a float64 plain-loop reference on
 * random parameters: the agent Q_i, the mixer's forward value Q_tot for every joint action,
 * the soft values, and the loss (whose TD target is the reward: one-step episodes).
 * Two games: the paper's 3×3 and a 2×3 one, where agent 1's third action is masked out.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { energyPolicy, softValue as softValueRef } from "../../src/core/softValue.ts"
import { qTotFactored } from "../../src/core/factorization.ts"
import { qmixMix as qmixRef, vdnMix as vdnRef } from "../../src/core/mixers.ts"
import { gameFromFlat, type MatrixGame, nonMonotonicGame } from "../../src/envs/matrix.ts"
import { defaultDiscreteFsvConfig, type DiscreteFsvConfig, discreteFsvMix, makeDiscreteFsv } from "../../src/learners/fsv/discrete.ts"
import type { DiscreteLearner, DiscreteGameTensors } from "../../src/learners/discrete.ts"
import { defaultQmixConfig, makeQmix } from "../../src/learners/qmix/discrete.ts"
import { defaultQtranAltConfig, makeQtranAlt } from "../../src/learners/qtran/alt.ts"
import { defaultQtranBaseConfig, makeQtranBase } from "../../src/learners/qtran/base.ts"
import { gameShape, gameTensors } from "../../pipelines/matrix/train.ts"
import { defaultVdnConfig, makeVdn } from "../../src/learners/vdn/discrete.ts"
import { UNAVAILABLE } from "../../src/nn/softValue.ts"
import {
  agentQRef,
  jointsOf,
  jointTensor,
  linearRef,
  mlpRef,
  type Named,
  oneHot,
  randomParams,
  relErr,
  relu,
  stateRef,
  useWasm
} from "./reference.ts"
import { alphaAt } from "../../src/learners/fsv/temperature.ts"

beforeAll(useWasm)

const S = 2
const games: Array<[string, MatrixGame]> = [
  ["3×3 (Table 1)", nonMonotonicGame],
  ["2×3 with a masked action", gameFromFlat([2, 3], [1, -2, 0.5, 3, 0, -1])]
]

/** The learner's agentQ [S][N][A] and qTot [S][J] for every joint action, and its loss on random weights. */
const run = (learner: DiscreteLearner, game: MatrixGame, flat: Float32Array, step: number, weights: Float32Array) => {
  const tensors: DiscreteGameTensors = gameTensors(game, S)
  try {
    return tf.tidy(() => {
      const params = learner.layout.named(learner.layout.tensors(flat, S))
      const actions = jointTensor(game, S)
      const J = actions.shape[1]!
      const ev = learner.evaluate(params, tensors, actions, step)
      const batch = {
        actions,
        reward: tf.tensor2d(Array.from({ length: S }, () => [...game.flat]), [S, J]),
        weight: tf.tensor2d(weights, [S, J])
      }
      const loss = learner.loss(params, tensors, batch, step)
      return { agentQ: ev.agentQ.arraySync() as Array<Array<Array<number>>>, qTot: ev.qTot.arraySync() as Array<Array<number>>, loss: loss.arraySync() as number }
    })
  } finally {
    tf.dispose([tensors.state, tensors.obs])
    tensors.unavailable?.dispose()
  }
}

/** Random positive row weights summing to 1 per replica (a batch's shares of the joint actions). */
const weightsFor = (J: number): Float32Array => {
  const w = new Float32Array(S * J)
  for (let s = 0; s < S; s++) {
    let total = 0
    for (let j = 0; j < J; j++) total += w[s * J + j] = 1 + ((j * 7 + s * 3) % 5)
    for (let j = 0; j < J; j++) w[s * J + j]! /= total
  }
  return w
}

const available = (game: MatrixGame, q: ReadonlyArray<ReadonlyArray<number>>) => q.map((qi, i) => qi.slice(0, game.actionCounts[i]))

describe.each(games)("learners vs float64 references, %s", (_, game) => {
  const joints = jointsOf(game)
  const J = joints.length
  const weights = weightsFor(J)
  const N = game.actionCounts.length
  const A = Math.max(...game.actionCounts)

  const check = (
    learner: DiscreteLearner,
    label: string,
    reference: (p: Named, s: number) => { qTot: Array<number>; loss: number },
    step = 0
  ) => {
    const flat = randomParams(learner.layout, S, label)
    const got = run(learner, game, flat, step, weights)
    let loss = 0
    for (let s = 0; s < S; s++) {
      const p = learner.layout.unpack(flat, S, s)
      const q = agentQRef(game, p)
      expect(relErr(got.agentQ[s]!.flat(), q.flat())).toBeLessThan(1e-5)
      const ref = reference(p, s)
      expect(relErr(got.qTot[s]!, ref.qTot)).toBeLessThan(1e-5)
      loss += ref.loss
    }
    expect(relErr([got.loss], [loss])).toBeLessThan(1e-5)
  }

  /** Σ_j weight · (qTot − r)²: the batch mean of Eq. 16 / the TD loss with y = r. */
  const tdLoss = (qTot: ReadonlyArray<number>, s: number) =>
    qTot.reduce((acc, v, j) => acc + weights[s * J + j]! * (v - game.flat[j]!) ** 2, 0)

  it("VDN: Q_tot = Σ Q_i(u_i)", () => {
    check(makeVdn(gameShape(game), defaultVdnConfig), "vdn", (p, s) => {
      const q = agentQRef(game, p)
      const qTot = joints.map((u) => vdnRef(u.map((a, i) => q[i]![a]!)))
      return { qTot, loss: tdLoss(qTot, s) }
    })
  })

  it("QMIX: hypernetwork mixer with |W1|, |w2| (core qmixMix)", () => {
    const config = defaultQmixConfig
    check(makeQmix(gameShape(game), config), "qmix", (p, s) => {
      const q = agentQRef(game, p)
      const st = stateRef(game)
      const E = config.mixingEmbed
      const w1flat = mlpRef(st, p, "mixer.hyperW1", 2)
      const w1 = Array.from({ length: N }, (_, i) => w1flat.slice(i * E, (i + 1) * E))
      const b1 = linearRef(st, p["mixer.hyperB1.w"]!, p["mixer.hyperB1.b"]!)
      const w2 = mlpRef(st, p, "mixer.hyperW2", 2)
      const b2 = mlpRef(st, p, "mixer.hyperB2", 2)[0]!
      const qTot = joints.map((u) => qmixRef({ q: u.map((a, i) => q[i]![a]!), w1, b1, w2, b2 }))
      return { qTot, loss: tdLoss(qTot, s) }
    })
  })

  /** enc(a, j) = layer 2 of relu([onehot(a) ⊕ onehot(j)] W0 + b0). */
  const encRef = (p: Named, a: number, j: number) => {
    const w0 = Float32Array.from([...p["encoder.0.wAction"]!, ...p["encoder.0.wId"]!])
    return linearRef(relu(linearRef([...oneHot(a, A), ...oneHot(j, N)], w0, p["encoder.0.b"]!)), p["encoder.1.w"]!, p["encoder.1.b"]!)
  }
  const add = (xs: ReadonlyArray<ReadonlyArray<number>>) => xs.reduce((acc, x) => acc.map((v, k) => v + x[k]!))
  const vJtRef = (p: Named) => mlpRef(stateRef(game), p, "vjt", 3)[0]!
  const greedyOf = (q: ReadonlyArray<ReadonlyArray<number>>) =>
    available(game, q).map((qi) => qi.indexOf(Math.max(...qi)))

  it("QTRAN-base: Q_jt(s, Σ_j enc(u_j, j)) and L_td + λ_opt L_opt + λ_nopt L_nopt", () => {
    const config = defaultQtranBaseConfig
    check(makeQtranBase(gameShape(game), config), "qtran-base", (p, s) => {
      const q = agentQRef(game, p)
      const qJt = (u: ReadonlyArray<number>) => {
        const x = [...stateRef(game), ...add(u.map((a, j) => encRef(p, a, j)))]
        const w0 = Float32Array.from([...p["qjt.0.wState"]!, ...p["qjt.0.wActions"]!])
        return mlpRef(relu(linearRef(x, w0, p["qjt.0.b"]!)), p, "qjt.rest", 2)[0]!
      }
      const qTot = joints.map(qJt)
      const v = vJtRef(p)
      const greedy = greedyOf(q)
      const lOpt = (greedy.reduce((acc, a, i) => acc + q[i]![a]!, 0) - qJt(greedy) + v) ** 2
      const lNopt = joints.reduce((acc, u, j) => {
        const d = u.reduce((t, a, i) => t + q[i]![a]!, 0) - qTot[j]! + v
        return acc + weights[s * J + j]! * Math.min(d, 0) ** 2
      }, 0)
      return { qTot, loss: tdLoss(qTot, s) + config.lambdaOpt * lOpt + config.lambdaNopt * lNopt }
    })
  })

  it("QTRAN-alt: counterfactual heads Q_jt^i(s, ·, u_−i) and L_td + λ_opt L_opt + λ_nopt L_nopt-min", () => {
    const config = defaultQtranAltConfig
    check(makeQtranAlt(gameShape(game), config), "qtran-alt", (p, s) => {
      const q = agentQRef(game, p)
      const head = (i: number, u: ReadonlyArray<number>) => {
        const others = add(u.map((a, j) => (j === i ? encRef(p, a, j).map(() => 0) : encRef(p, a, j))))
        const x = [...stateRef(game), ...oneHot(i, N), ...others]
        const w0 = Float32Array.from([...p["qjt.0.wState"]!, ...p["qjt.0.wId"]!, ...p["qjt.0.wOthers"]!])
        return mlpRef(relu(linearRef(x, w0, p["qjt.0.b"]!)), p, "qjt.rest", 2) // [A]
      }
      const qTot = joints.map((u) => u.reduce((acc, a, i) => acc + head(i, u)[a]!, 0) / N)
      const v = vJtRef(p)
      const greedy = greedyOf(q)
      const sumGreedy = greedy.reduce((acc, a, i) => acc + q[i]![a]!, 0)
      const lOpt = greedy.reduce((acc, _, i) => acc + (sumGreedy - head(i, greedy)[greedy[i]!]! + v) ** 2, 0) / N
      let lTd = 0
      let lNopt = 0
      joints.forEach((u, j) => {
        const w = weights[s * J + j]!
        const sumU = u.reduce((acc, a, i) => acc + q[i]![a]!, 0)
        for (let i = 0; i < N; i++) {
          const h = head(i, u)
          lTd += (w * (h[u[i]!]! - game.flat[j]!) ** 2) / N
          const d = Array.from({ length: game.actionCounts[i]! }, (_, a) => q[i]![a]! + sumU - q[i]![u[i]!]! - h[a]! + v)
          lNopt += (w * Math.min(...d) ** 2) / N
        }
      })
      return { qTot, loss: lTd + config.lambdaOpt * lOpt + config.lambdaNopt * lNopt }
    })
  })

  /** λ by Eq. 14–15 with e_{u,i} computed explicitly (no reordering). */
  const lambdaRef = (p: Named, config: DiscreteFsvConfig, u: ReadonlyArray<number>): Array<number> => {
    const es = mlpRef(stateRef(game), p, "lambda.stateEmbed", 2)
    const { heads: H, keyDim: D, lambdaEmbed: E } = config
    const query = linearRef(es, p["lambda.wq"]!, new Float32Array(H * D))
    const joint = u.flatMap((a) => oneHot(a, A))
    const w0 = Float32Array.from([...p["lambda.actionEmbed.0.wJoint"]!, ...p["lambda.actionEmbed.0.wId"]!])
    const logits = Array.from({ length: N }, (_, i) => {
      const h = relu(linearRef([...joint, ...oneHot(i, N)], w0, p["lambda.actionEmbed.0.b"]!))
      const eu = linearRef(h, p["lambda.actionEmbed.1.w"]!, p["lambda.actionEmbed.1.b"]!)
      const key = linearRef(eu, p["lambda.wk"]!, new Float32Array(H * D))
      void E
      return Array.from({ length: H }, (_, hd) => {
        let l = 0
        for (let d = 0; d < D; d++) l += key[hd * D + d]! * query[hd * D + d]!
        return l
      })
    })
    if (config.lambdaNormalization === "none") return logits.map((l) => l.reduce((acc, x) => acc + Math.exp(x), 0)) // Eq. 14–15
    return Array.from({ length: N }, (_, i) =>
      Array.from({ length: H }, (_, hd) => Math.exp(logits[i]![hd]!) / logits.reduce((acc, li) => acc + Math.exp(li[hd]!), 0))
        .reduce((a, b) => a + b, 0)
    )
  }

  describe.each([["none" as const], ["agents" as const]])("FSV with λ normalization %s", (normalization) => {
    it("Q_tot = Σ λ_i (Q_i − V_i) + Σ w_i V_i + b with V_i = α log Σ exp(Q_i/α) at the annealed α", () => {
      const config: DiscreteFsvConfig = { ...defaultDiscreteFsvConfig(1000), lambdaNormalization: normalization }
      const alpha0s = [0.1, 0.5]
      const step = 400
      check(makeDiscreteFsv(gameShape(game), config, alpha0s), `fsv ${normalization}`, (p, s) => {
        const alpha = alphaAt(config, alpha0s[s]!, step)
        expect(alpha).toBeCloseTo(1 + (alpha0s[s]! - 1) * 0.4, 12)
        const q = available(game, agentQRef(game, p))
        const v = q.map((qi) => softValueRef(qi, alpha))
        const w = linearRef(stateRef(game), p["hyperW.w"]!, p["hyperW.b"]!).map(Math.abs)
        const b = linearRef(stateRef(game), p["hyperB.w"]!, p["hyperB.b"]!)[0]!
        const vTot = v.reduce((acc, vi, i) => acc + w[i]! * vi, b) // Eq. 13
        const qTot = joints.map((u) =>
          qTotFactored({ lambda: lambdaRef(p, config, u), q: u.map((a, i) => q[i]![a]!), v, vTot }) // Eq. 7
        )
        return { qTot, loss: tdLoss(qTot, s) }
      }, step)
    })
  })
})

describe("FSV's stop-gradients (Eq. 33) and soft values", () => {
  // One replica, two agents with three actions, one joint action u = (0, 2).
  const qv = [[1.5, -0.5, 0.25], [0.3, 2.0, -1.0]]
  const lambda = [0.7, 1.9]
  const w = [0.4, 1.3]
  const alpha = 0.5
  const u = [0, 2]
  const mix = (gradients: "eq33" | "eq33-strict" | "eq7") =>
    tf.tidy(() => {
      const actions = tf.tensor4d(u.flatMap((a) => oneHot(a, 3)), [1, 1, 2, 3])
      const f = (q: tf.Tensor, l: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
        tf.sum(discreteFsvMix({ q, actions, alpha: tf.tensor2d([[alpha]]), lambda: l, w: wt, b: bt, unavailable: undefined, gradients }))
      const inputs = [tf.tensor3d([qv]), tf.tensor3d([[lambda]]), tf.tensor3d([[w]]), tf.tensor2d([[0.25]])]
      const value = f(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!).arraySync() as number
      const grads = tf.grads(f as (...x: Array<tf.Tensor>) => tf.Tensor)(inputs).map((g) => (g.arraySync() as Array<unknown>).flat(3) as Array<number>)
      return { value, grads }
    })
  const v = qv.map((q) => softValueRef(q, alpha))
  const pi = qv.map((q) => energyPolicy(q, alpha))
  const value = qTotFactored({ lambda, q: u.map((a, i) => qv[i]![a]!), v, vTot: w[0]! * v[0]! + w[1]! * v[1]! + 0.25 })

  it("every mode has Eq. 7's value", () => {
    for (const mode of ["eq33", "eq33-strict", "eq7"] as const) expect(mix(mode).value).toBeCloseTo(value, 4)
  })

  it('"eq33": ∂Q_tot/∂Q_i(a) = 1[a = u_i], ∂/∂λ_i = Q_i − V_i, ∂/∂w_i = V_i, ∂/∂b = 1', () => {
    const [dq, dl, dw, db] = mix("eq33").grads
    expect(dq).toEqual([1, 0, 0, 0, 0, 1])
    expect(relErr(dl!, u.map((a, i) => qv[i]![a]! - v[i]!))).toBeLessThan(1e-5)
    expect(relErr(dw!, v)).toBeLessThan(1e-5)
    expect(db).toEqual([1])
  })

  it('"eq33-strict": V_tot gets no gradient (w and b stay at their initial values)', () => {
    const [dq, , dw, db] = mix("eq33-strict").grads
    expect(dq).toEqual([1, 0, 0, 0, 0, 1])
    expect(dw).toEqual([0, 0])
    expect(db).toEqual([0])
  })

  it('"eq7": ∂Q_tot/∂Q_i(a) = λ_i (1[a = u_i] − π_i(a)) + w_i π_i(a), since ∂V_i/∂Q_i(a) = π_i(a)', () => {
    const [dq] = mix("eq7").grads
    const expected = qv.flatMap((q, i) => q.map((_, a) => lambda[i]! * ((a === u[i] ? 1 : 0) - pi[i]![a]!) + w[i]! * pi[i]![a]!))
    expect(relErr(dq!, expected)).toBeLessThan(1e-5)
  })

  it("a masked action carries no probability: V_i over the available actions only", () => {
    const got = tf.tidy(() => {
      const actions = tf.tensor4d(u.flatMap((a) => oneHot(a, 3)), [1, 1, 2, 3])
      const mask = tf.tensor3d([[[0, 0, 0], [0, 0, UNAVAILABLE]]])
      const both = discreteFsvMix({
        q: tf.tensor3d([qv]),
        actions: tf.tensor4d([...oneHot(0, 3), ...oneHot(1, 3)], [1, 1, 2, 3]),
        alpha: tf.tensor2d([[alpha]]),
        lambda: tf.tensor3d([[[0, 0]]]),
        w: tf.tensor3d([[[0, 1]]]),
        b: tf.tensor2d([[0]]),
        unavailable: mask,
        gradients: "eq33"
      })
      void actions
      return both.arraySync() as Array<Array<number>>
    })
    expect(got[0]![0]).toBeCloseTo(softValueRef(qv[1]!.slice(0, 2), alpha), 5) // V_tot = V_2 over actions {0, 1}
  })
})
