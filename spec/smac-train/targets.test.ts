/**
 * TD targets of the recurrent learners against the float64 core: agent Q values from the
 * plain-loop GRU, mixers and targets from `src/core` (qmixMix, softBellmanTarget,
 * maskedSoftValue, maskedEnergyPolicy, qTotFactored, sampledSoftTarget), and with tdLambda > 0
 * the λ-returns (`lambdaReturns`, itself held to the forward view in spec/core/bellman.test.ts)
 * of those reference bootstrap values. Target network ≠ network, so mixing them up fails.
 */
import * as tf from "@tensorflow/tfjs"
import { describe, expect, it } from "vitest"
import { lambdaReturns, softBellmanTarget, sampledSoftTarget } from "../../src/core/bellman.ts"
import { qTotFactored } from "../../src/core/factorization.ts"
import { qmixMix } from "../../src/core/mixers.ts"
import { maskedEnergyPolicy, maskedSoftValue } from "../../src/core/softValue.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { attentionLambda } from "../../src/nn/attentionLambda.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { agentShape, batchTensors, type RecurrentLearner, inputDim, type EpisodeBatchData } from "../../src/learners/recurrent.ts"
import { defaultRecurrentFsvConfig, makeRecurrentFsv } from "../../src/learners/fsv/recurrent.ts"
import { defaultRecurrentQmixConfig, makeRecurrentQmix } from "../../src/learners/qmix/recurrent.ts"
import { defaultRecurrentVdnConfig, makeRecurrentVdn } from "../../src/learners/vdn/recurrent.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { assembleBatch } from "../../pipelines/smac/EpisodeBuffer.ts"
import { EpisodeRunner, smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { epsilonGreedySelector } from "../../pipelines/smac/selectors.ts"

const env = makeEnv(BUILTIN_MAPS["3m"])
const shape = smacShape(env)
const { agents: N, actions: A, stateDim: SD } = shape
const D = inputDim(shape)
const HID = 8

/** A few random episodes (ε = 1), padded into one batch. */
const batchData = (learner: RecurrentLearner, params: Float32Array): EpisodeBatchData => {
  const runner = new EpisodeRunner(env, 3, HID)
  const actor = new GruAgentCpu(agentShape(shape, HID), learner.layout.unpack(params, 1, 0))
  const episodes = runner.run(actor, epsilonGreedySelector(A, stream(1, ["spec", "act"]), 1), 0, 3, (k) => streamState(1, ["spec", "env", `${k}`]))
  return assembleBatch(shape, episodes)
}

/** Q_i(τ^t, ·) for every t, episode b, agent i from the plain-loop GRU: q[t][b][i] = [A]. */
const plainQ = (learner: RecurrentLearner, params: Float32Array, data: EpisodeBatchData): Array<Array<Array<Array<number>>>> => {
  const agent = new GruAgentCpu(agentShape(shape, HID), learner.layout.unpack(params, 1, 0))
  const rows = data.B * N
  const h = new Float32Array(rows * HID)
  const q = new Float32Array(rows * A)
  const out: Array<Array<Array<Array<number>>>> = []
  for (let t = 0; t <= data.T; t++) {
    agent.step(data.inputs.subarray(t * rows * D, (t + 1) * rows * D), h, rows, q)
    out.push(Array.from({ length: data.B }, (_, b) => Array.from({ length: N }, (_, i) => Array.from(q.subarray((b * N + i) * A, (b * N + i + 1) * A)))))
  }
  return out
}

/** x W + b from named row-major parameters, then ReLU if asked. */
const layer = (named: Record<string, Float32Array>, name: string, x: ArrayLike<number>, relu: boolean): Array<number> => {
  const w = named[`${name}.w`]!
  const b = named[`${name}.b`]!
  const out = Array.from(b)
  for (let k = 0; k < x.length; k++) for (let j = 0; j < out.length; j++) out[j]! += x[k]! * w[k * out.length + j]!
  return relu ? out.map((v) => Math.max(0, v)) : out
}

const availOf = (data: EpisodeBatchData, t: number, b: number, i: number) =>
  Array.from(data.avail.subarray(((t * data.B + b) * N + i) * A, ((t * data.B + b) * N + i + 1) * A))
const stateOf = (data: EpisodeBatchData, t: number, b: number) => data.state.subarray((t * data.B + b) * SD, (t * data.B + b + 1) * SD)

const argmaxAvail = (q: ReadonlyArray<number>, avail: ReadonlyArray<number>): number => {
  let best = -1
  q.forEach((v, a) => {
    if (avail[a] === 1 && (best < 0 || v > q[best]!)) best = a
  })
  return best
}

/** Over real steps: the learner's targets against the one-step ones (λ = 0) or the λ-returns of the reference bootstrap values. */
const checkTargets = (data: EpisodeBatchData, got: ArrayLike<number>, oneStep: Map<number, number>, next: Float64Array, gamma: number, tdLambda: number, digits: number): number => {
  const returns = lambdaReturns({ T: data.T, B: data.B, reward: data.reward, terminated: data.terminated, mask: data.mask, next, gamma, lambda: tdLambda })
  let checked = 0
  for (const [k, y] of oneStep) {
    expect(got[k]!, `step ${k}`).toBeCloseTo(tdLambda === 0 ? y : returns[k]!, digits)
    checked++
  }
  return checked
}

describe.each([0, 0.6])("TD targets (tdLambda %s) against the float64 core", (tdLambda) => {
  it("QMIX: y = r + γ(1 − d) Q̄_tot(s', ū'), ū' = argmax of the current network (double Q); λ-returns of it", () => {
    const config = { ...defaultRecurrentQmixConfig, agentHidden: HID, mixingEmbed: 4, hypernetEmbed: 6, tdLambda }
    const learner = makeRecurrentQmix(shape, config)
    const params = learner.layout.init(stream(2, ["spec", "params"]))
    const target = learner.layout.init(stream(2, ["spec", "target"]))
    const data = batchData(learner, params)
    const got = tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      return learner.targets(named(params), named(target), batchTensors(shape, data), { alpha: 1, gumbel: undefined }).dataSync()
    })
    const q = plainQ(learner, params, data)
    const qBar = plainQ(learner, target, data)
    const tn = learner.layout.unpack(target, 1, 0)
    const oneStep = new Map<number, number>()
    const next = new Float64Array(data.T * data.B)
    for (let b = 0; b < data.B; b++) {
      for (let t = 0; t < data.T; t++) {
        if (data.mask[t * data.B + b] === 0) continue
        const chosen = Array.from({ length: N }, (_, i) => qBar[t + 1]![b]![i]![argmaxAvail(q[t + 1]![b]![i]!, availOf(data, t + 1, b, i))]!)
        const s = stateOf(data, t + 1, b)
        const E = config.mixingEmbed
        const w1flat = layer(tn, "mixer.hyperW1.1", layer(tn, "mixer.hyperW1.0", s, true), false)
        const nextQTot = qmixMix({
          q: chosen,
          w1: Array.from({ length: N }, (_, i) => w1flat.slice(i * E, (i + 1) * E)),
          b1: layer(tn, "mixer.hyperB1", s, false),
          w2: layer(tn, "mixer.hyperW2.1", layer(tn, "mixer.hyperW2.0", s, true), false),
          b2: layer(tn, "mixer.hyperB2.1", layer(tn, "mixer.hyperB2.0", s, true), false)[0]!
        })
        next[t * data.B + b] = nextQTot
        oneStep.set(t * data.B + b, softBellmanTarget({ reward: data.reward[t * data.B + b]!, gamma: config.gamma, done: data.terminated[t * data.B + b]!, nextVTot: nextQTot }))
      }
    }
    expect(checkTargets(data, got, oneStep, next, config.gamma, tdLambda, 4)).toBeGreaterThan(20)
  })

  it("VDN: y = r + γ(1 − d) Σ_i Q̄_i(τ_{t+1}, ū_i), ū = argmax of the current network (double Q); λ-returns of it", () => {
    const config = { ...defaultRecurrentVdnConfig, agentHidden: HID, tdLambda }
    const learner = makeRecurrentVdn(shape, config)
    const params = learner.layout.init(stream(6, ["spec", "params"]))
    const target = learner.layout.init(stream(6, ["spec", "target"]))
    const data = batchData(learner, params)
    const got = tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      return learner.targets(named(params), named(target), batchTensors(shape, data), { alpha: 1, gumbel: undefined }).dataSync()
    })
    const q = plainQ(learner, params, data)
    const qBar = plainQ(learner, target, data)
    const oneStep = new Map<number, number>()
    const next = new Float64Array(data.T * data.B)
    for (let b = 0; b < data.B; b++) {
      for (let t = 0; t < data.T; t++) {
        const k = t * data.B + b
        if (data.mask[k] === 0) continue
        next[k] = Array.from({ length: N }, (_, i) => qBar[t + 1]![b]![i]![argmaxAvail(q[t + 1]![b]![i]!, availOf(data, t + 1, b, i))]!).reduce((x, y) => x + y, 0)
        oneStep.set(k, softBellmanTarget({ reward: data.reward[k]!, gamma: config.gamma, done: data.terminated[k]!, nextVTot: next[k]! }))
      }
    }
    expect(checkTargets(data, got, oneStep, next, config.gamma, tdLambda, 4)).toBeGreaterThan(20)
  })

  it("FSV: y = r + γ(1 − d)(Q̄_tot(s', u') − α log π_tot(u')), u' ~ π by the given Gumbel noise (Eq. 16); λ-returns of it", () => {
    const config = { ...defaultRecurrentFsvConfig, agentHidden: HID, lambdaHidden: 6, lambdaEmbed: 5, heads: 2, keyDim: 3, tdLambda }
    const learner = makeRecurrentFsv(shape, config)
    const params = learner.layout.init(stream(3, ["spec", "params"]))
    const target = learner.layout.init(stream(3, ["spec", "target"]))
    const data = batchData(learner, params)
    const alpha = 0.3
    const g = stream(3, ["spec", "gumbel"])
    const gumbel = Float32Array.from({ length: data.T * data.B * N * A }, () => -Math.log(-Math.log(Math.max(1e-12, g.float()))))
    const q = plainQ(learner, params, data)
    const qBar = plainQ(learner, target, data)
    const tn = learner.layout.unpack(target, 1, 0)
    // u' per (t, b, i), as the reference samples it: argmax over available of Q_i/α + Gumbel.
    const sampled = (t: number, b: number, i: number): number => {
      const qi = q[t + 1]![b]![i]!
      const noise = (a: number) => gumbel[((t * data.B + b) * N + i) * A + a]!
      return argmaxAvail(qi.map((v, a) => v / alpha + noise(a)), availOf(data, t + 1, b, i))
    }
    const [got, lambda] = tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      const batch = batchTensors(shape, data)
      const y = learner.targets(named(params), named(target), batch, { alpha, gumbel: tf.tensor4d(gumbel, [data.T, data.B, N, A]) }).dataSync()
      // λ of the target network at (s_{t+1}, u'), from the tensor code (tested with the matrix issue).
      const joint = new Float32Array(data.T * data.B * N * A)
      for (let t = 0; t < data.T; t++) for (let b = 0; b < data.B; b++) for (let i = 0; i < N; i++) joint[((t * data.B + b) * N + i) * A + sampled(t, b, i)] = 1
      const lam = attentionLambda(batch.nextState, tf.tensor3d(joint, [1, data.T * data.B, N * A]), named(target), "lambda", {
        stateDim: SD, jointActionDim: N * A, agents: N, hidden: config.lambdaHidden, embed: config.lambdaEmbed, heads: config.heads, keyDim: config.keyDim, normalization: config.lambdaNormalization
      }).dataSync()
      return [y, lam]
    })
    const oneStep = new Map<number, number>()
    const next = new Float64Array(data.T * data.B)
    for (let b = 0; b < data.B; b++) {
      for (let t = 0; t < data.T; t++) {
        if (data.mask[t * data.B + b] === 0) continue
        const s = stateOf(data, t + 1, b)
        const u = Array.from({ length: N }, (_, i) => sampled(t, b, i))
        const logPi = u.reduce((acc, ui, i) => acc + Math.log(maskedEnergyPolicy(q[t + 1]![b]![i]!, availOf(data, t + 1, b, i), alpha)[ui]!), 0)
        const vBar = Array.from({ length: N }, (_, i) => maskedSoftValue(qBar[t + 1]![b]![i]!, availOf(data, t + 1, b, i), alpha))
        const w = layer(tn, "hyperW", s, false).map(Math.abs)
        const vTot = vBar.reduce((acc, v, i) => acc + w[i]! * v, layer(tn, "hyperB", s, false)[0]!) // Eq. 13
        const nextQTot = qTotFactored({
          lambda: Array.from({ length: N }, (_, i) => lambda[(t * data.B + b) * N + i]!),
          q: u.map((ui, i) => qBar[t + 1]![b]![i]![ui]!),
          v: vBar,
          vTot
        })
        next[t * data.B + b] = nextQTot - alpha * logPi // the entropy term inside the λ-return
        oneStep.set(t * data.B + b, sampledSoftTarget({
          reward: data.reward[t * data.B + b]!, gamma: config.gamma, done: data.terminated[t * data.B + b]!, nextQTot, nextLogPiTot: logPi, alpha
        }))
      }
    }
    expect(checkTargets(data, got, oneStep, next, config.gamma, tdLambda, 3)).toBeGreaterThan(20)
  })
})
