/**
 * QTRAN on episodes (src/learners/qtran/recurrent.ts) against a reference written here from
 * the equations: agent Q_i and hidden states h_i from the plain-loop GRU (`GruAgentCpu`), the
 * encoder, Q_jt and V_jt as plain loops over the named parameters, y from `src/core`'s Bellman
 * target. Target network ≠ network, so mixing them up (or picking ū with the target network)
 * fails. Then: which loss term trains which network (the stop-gradients), the loss falls on a
 * fixed batch, and no tensor is left behind by updates or by a training run.
 */
import * as tf from "@tensorflow/tfjs"
import { describe, expect, it } from "vitest"
import { softBellmanTarget, lambdaReturns } from "../../src/core/bellman.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { withFastMatMulGradient } from "../../src/nn/fastMatMulGrad.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { agentShape, batchTensors, RECURRENT_ALGOS, inputDim, type EpisodeBatchData } from "../../src/learners/recurrent.ts"
import { defaultRecurrentQtranConfig, makeRecurrentQtran, type RecurrentQtranLearner } from "../../src/learners/qtran/recurrent.ts"
import { buildSmacLearner, defaultSmacLearnerConfigs } from "../../pipelines/smac/learners.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { assembleBatch } from "../../pipelines/smac/EpisodeBuffer.ts"
import { EpisodeRunner, smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { epsilonGreedySelector } from "../../pipelines/smac/selectors.ts"
import { createSmacTrainer, defaultSmacRunSettings, learnerUpdate } from "../../pipelines/smac/train.ts"

const map = BUILTIN_MAPS["3m"]
const env = makeEnv(map)
const shape = smacShape(env)
const { agents: N, actions: A, stateDim: SD } = shape
const D = inputDim(shape)
const HID = 8
const config = { ...defaultRecurrentQtranConfig, agentHidden: HID, mixingEmbed: 6 }

const learnerAndBatch = (seed: number) => {
  const learner = makeRecurrentQtran(shape, config)
  const params = learner.layout.init(stream(seed, ["spec", "params"]))
  const target = learner.layout.init(stream(seed, ["spec", "target"]))
  const runner = new EpisodeRunner(env, 3, HID)
  const actor = new GruAgentCpu(agentShape(shape, HID), learner.layout.unpack(params, 1, 0))
  const episodes = runner.run(actor, epsilonGreedySelector(A, stream(seed, ["spec", "act"]), 1), 0, 3, (k) => streamState(seed, ["spec", "env", `${k}`]))
  return { learner, params, target, data: assembleBatch(shape, episodes) }
}

/** Per step t = 0 … T, episode b, agent i: Q_i(τ^t, ·) [A] and h_i^t [H], from the plain-loop GRU. */
const plainAgent = (learner: RecurrentQtranLearner, params: Float32Array, data: EpisodeBatchData) => {
  const agent = new GruAgentCpu(agentShape(shape, HID), learner.layout.unpack(params, 1, 0))
  const rows = data.B * N
  const h = new Float32Array(rows * HID)
  const q = new Float32Array(rows * A)
  const out: Array<{ q: Array<Array<Array<number>>>; h: Array<Array<Array<number>>> }> = []
  for (let t = 0; t <= data.T; t++) {
    agent.step(data.inputs.subarray(t * rows * D, (t + 1) * rows * D), h, rows, q)
    const per = (x: Float32Array, w: number) =>
      Array.from({ length: data.B }, (_, b) => Array.from({ length: N }, (_, i) => Array.from(x.subarray((b * N + i) * w, (b * N + i + 1) * w))))
    out.push({ q: per(q, A), h: per(h, HID) })
  }
  return out
}

/** Σ_k x_k W[k, ·] + b over named row-major parameters, ReLU if asked; `parts` are [weight name, input] pairs. */
const dense = (named: Record<string, Float32Array>, bias: string, parts: ReadonlyArray<readonly [string, ReadonlyArray<number>]>, relu: boolean): Array<number> => {
  const out = Array.from(named[bias]!)
  for (const [w, x] of parts) for (let k = 0; k < x.length; k++) for (let j = 0; j < out.length; j++) out[j]! += x[k]! * named[w]![k * out.length + j]!
  return relu ? out.map((v) => Math.max(0, v)) : out
}

/** PyMARL's QTranBase (qtran_paper, small): Q_jt(s, [h_i ⊕ onehot(u_i)]_i) and V_jt(s). */
const qJtRef = (named: Record<string, Float32Array>, s: ArrayLike<number>, h: Array<Array<number>>, u: Array<number>): number => {
  const enc = new Array<number>(HID + A).fill(0)
  for (let i = 0; i < N; i++) {
    const x = [...h[i]!, ...Array.from({ length: A }, (_, a) => (a === u[i] ? 1 : 0))]
    const e = dense(named, "encoder.1.b", [["encoder.1.w", dense(named, "encoder.0.b", [["encoder.0.w", x]], true)]], false)
    e.forEach((v, j) => (enc[j]! += v))
  }
  const h1 = dense(named, "qjt.0.b", [["qjt.0.wState", Array.from(s)], ["qjt.0.wActions", enc]], true) // one layer on [s ⊕ Σ enc]
  const h2 = dense(named, "qjt.rest.0.b", [["qjt.rest.0.w", h1]], true)
  return dense(named, "qjt.rest.1.b", [["qjt.rest.1.w", h2]], false)[0]!
}
const vJtRef = (named: Record<string, Float32Array>, s: ArrayLike<number>): number => {
  const h1 = dense(named, "vjt.0.b", [["vjt.0.w", Array.from(s)]], true)
  const h2 = dense(named, "vjt.1.b", [["vjt.1.w", h1]], true)
  return dense(named, "vjt.2.b", [["vjt.2.w", h2]], false)[0]!
}

const argmaxAvail = (q: ReadonlyArray<number>, avail: ArrayLike<number>): number => {
  let best = -1
  q.forEach((v, a) => {
    if (avail[a] === 1 && (best < 0 || v > q[best]!)) best = a
  })
  return best
}

describe("QTRAN on episodes", () => {
  it("is registered with PyMARL's qtran.yaml defaults", () => {
    expect(RECURRENT_ALGOS).toContain("qtran")
    expect(defaultSmacLearnerConfigs.qtran).toMatchObject({ mixingEmbed: 64, lambdaOpt: 1, lambdaNopt: 0.1, gamma: 0.99, targetUpdateEpisodes: 200, bufferSize: 5000, batchSize: 32, agentHidden: 64 })
    const learner = buildSmacLearner("qtran", shape, defaultSmacLearnerConfigs)
    expect(learner.algo).toBe("qtran")
    expect(learner.exploration.kind).toBe("epsilon-greedy")
    // encoder (H+A)→(H+A)→(H+A), V_jt s→64→64→1, Q_jt (s ⊕ enc)→64→64→1 on top of the GRU agent
    const E = 64
    const enc = 64 + A
    const joint = 2 * (enc * enc + enc) + (SD * E + E + E * E + E + E + 1) + ((SD + enc) * E + E + E * E + E + E + 1)
    const agentOnly = buildSmacLearner("vdn", shape, defaultSmacLearnerConfigs).layout.size
    expect(learner.layout.size - agentOnly).toBe(joint)
  })

  it("per-step targets y_t = r_t + γ(1 − d_t) Q̄_jt(τ̄_{t+1}, ū_{t+1}) and L_td, L_opt, L_nopt match the reference", () => {
    const { learner, params, target, data } = learnerAndBatch(4)
    const { T, B } = data
    const cur = plainAgent(learner, params, data)
    const bar = plainAgent(learner, target, data)
    const tn = learner.layout.unpack(target, 1, 0)
    const avail = (t: number, b: number, i: number) => data.avail.subarray(((t * B + b) * N + i) * A, ((t * B + b) * N + i + 1) * A)
    const state = (t: number, b: number) => data.state.subarray((t * B + b) * SD, (t * B + b + 1) * SD)
    const greedy = (t: number, b: number) => Array.from({ length: N }, (_, i) => argmaxAvail(cur[t]!.q[b]![i]!, avail(t, b, i)))
    const real = Array.from({ length: T * B }, (_, k) => k).filter((k) => data.mask[k] === 1)

    /** The reference terms for the current `params`, and each step's Σ Q_i(u_i) − Q_jt(u) + V_jt. */
    const reference = () => {
      const pn = learner.layout.unpack(params, 1, 0)
      const y: Record<number, number> = {}
      let td = 0
      let opt = 0
      let nopt = 0
      const ds: Array<number> = []
      for (const k of real) {
        const t = Math.floor(k / B)
        const b = k % B
        const uNext = greedy(t + 1, b) // ū_{t+1} of the current network (double Q)
        y[k] = softBellmanTarget({ reward: data.reward[k]!, gamma: config.gamma, done: data.terminated[k]!, nextVTot: qJtRef(tn, state(t + 1, b), bar[t + 1]!.h[b]!, uNext) })
        const u = Array.from({ length: N }, (_, i) => data.actions[k * N + i]!)
        const ubar = greedy(t, b)
        const v = vJtRef(pn, state(t, b))
        const qjt = qJtRef(pn, state(t, b), cur[t]!.h[b]!, u)
        const sumQ = (us: Array<number>) => us.reduce((acc, ui, i) => acc + cur[t]!.q[b]![i]![ui]!, 0)
        td += (qjt - y[k]!) ** 2
        opt += (sumQ(ubar) - qJtRef(pn, state(t, b), cur[t]!.h[b]!, ubar) + v) ** 2
        const d = sumQ(u) - qjt + v
        ds.push(d)
        nopt += Math.min(d, 0) ** 2
      }
      return { y, terms: [td / real.length, opt / real.length, nopt / real.length], ds }
    }

    // Shift V_jt's output bias so that about half the steps have d < 0: L_nopt's clamp then bites on some steps only.
    const ds = reference().ds.slice().sort((a, b) => a - b)
    const [vBiasStart] = learner.layout.blocks(1, 0)[learner.layout.specs.findIndex((spec) => spec.name === "vjt.2.b")]!
    params[vBiasStart] = params[vBiasStart]! - ds[Math.floor(ds.length / 2)]!
    const want = reference()
    const clamped = want.ds.filter((d) => d < 0).length
    expect(real.length).toBeGreaterThan(20)
    expect(clamped).toBeGreaterThan(0) // L_nopt is not trivially zero …
    expect(clamped).toBeLessThan(real.length) // … nor a plain square
    // Picking ū_{t+1} with the target network instead would change some targets.
    expect(real.filter((k) => greedy(Math.floor(k / B) + 1, k % B).some((u, i) => u !== argmaxAvail(bar[Math.floor(k / B) + 1]!.q[k % B]![i]!, avail(Math.floor(k / B) + 1, k % B, i)))).length).toBeGreaterThan(0)

    let gotY: ArrayLike<number> = []
    const gotTerms: Array<number> = []
    let gotLoss = NaN
    tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      const batch = batchTensors(shape, data)
      const ctx = { alpha: 1, gumbel: undefined }
      gotY = learner.targets(named(params), named(target), batch, ctx).dataSync()
      const terms = learner.lossTerms(named(params), named(target), batch)
      gotTerms.push(terms.td.dataSync()[0]!, terms.opt.dataSync()[0]!, terms.nopt.dataSync()[0]!)
      gotLoss = learner.loss(named(params), named(target), batch, ctx).dataSync()[0]!
    })
    for (const k of real) expect(gotY[k]!).toBeCloseTo(want.y[k]!, 4)
    want.terms.forEach((w, j) => expect(gotTerms[j]!).toBeCloseTo(w, 4))
    expect(gotLoss).toBeCloseTo(want.terms[0]! + config.lambdaOpt * want.terms[1]! + config.lambdaNopt * want.terms[2]!, 4)
  })

  it("with tdLambda 0.6, the targets are the λ-returns (pymarl2's TD(λ)) of the reference Q̄_jt(τ̄_{t+1}, ū_{t+1})", () => {
    const { params, target, data } = learnerAndBatch(5)
    const learner = makeRecurrentQtran(shape, { ...config, tdLambda: 0.6 })
    const { T, B } = data
    const cur = plainAgent(learner, params, data)
    const bar = plainAgent(learner, target, data)
    const tn = learner.layout.unpack(target, 1, 0)
    const avail = (t: number, b: number, i: number) => data.avail.subarray(((t * B + b) * N + i) * A, ((t * B + b) * N + i + 1) * A)
    const state = (t: number, b: number) => data.state.subarray((t * B + b) * SD, (t * B + b + 1) * SD)
    const next = new Float64Array(T * B)
    const real = Array.from({ length: T * B }, (_, k) => k).filter((k) => data.mask[k] === 1)
    for (const k of real) {
      const t = Math.floor(k / B)
      const b = k % B
      const uNext = Array.from({ length: N }, (_, i) => argmaxAvail(cur[t + 1]!.q[b]![i]!, avail(t + 1, b, i)))
      next[k] = qJtRef(tn, state(t + 1, b), bar[t + 1]!.h[b]!, uNext)
    }
    const want = lambdaReturns({ T, B, reward: data.reward, terminated: data.terminated, mask: data.mask, next, gamma: config.gamma, lambda: 0.6 })
    const got = tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      return learner.targets(named(params), named(target), batchTensors(shape, data), { alpha: 1, gumbel: undefined }).dataSync()
    })
    expect(real.length).toBeGreaterThan(20)
    for (const k of real) expect(got[k]!, `step ${k}`).toBeCloseTo(want[k]!, 4)
  })

  it("L_td trains Q_jt, the encoder and the agents; L_opt and L_nopt train V_jt and the agents, not Q_jt (Q̂_jt is stopped)", () => {
    const { learner, params, target, data } = learnerAndBatch(5)
    const group = (name: string) => name.split(".")[0]! // agent | encoder | vjt | qjt
    const norms = tf.tidy(() => withFastMatMulGradient(() => {
      const batch = batchTensors(shape, data)
      const targetNamed = learner.layout.named(learner.layout.tensors(target, 1))
      const perTerm = (term: "td" | "opt" | "nopt") => {
        // + 0 · Σ θ ties every parameter to the term (tf.grads refuses unconnected inputs) without changing a gradient.
        const grads = tf.grads((...ps: Array<tf.Tensor>) =>
          tf.add(learner.lossTerms(learner.layout.named(ps), targetNamed, batch)[term], tf.mul(0, tf.addN(ps.map((p) => tf.sum(p))))) as tf.Scalar
        )(learner.layout.tensors(params, 1))
        const sums: Record<string, number> = {}
        learner.layout.specs.forEach((spec, j) => (sums[group(spec.name)] = (sums[group(spec.name)] ?? 0) + tf.sum(tf.square(grads[j]!)).dataSync()[0]!))
        return sums
      }
      return { td: perTerm("td"), opt: perTerm("opt"), nopt: perTerm("nopt") }
    }))
    expect(Object.keys(norms.td).sort()).toEqual(["agent", "encoder", "qjt", "vjt"])
    for (const g of ["agent", "encoder", "qjt"]) expect(norms.td[g]!).toBeGreaterThan(1e-8)
    expect(norms.td.vjt).toBe(0)
    for (const term of ["opt", "nopt"] as const) {
      expect(norms[term].agent!).toBeGreaterThan(1e-8)
      expect(norms[term].vjt!).toBeGreaterThan(1e-8)
      expect(norms[term].encoder).toBe(0)
      expect(norms[term].qjt).toBe(0)
    }
  })

  it("the loss falls over a few updates on a fixed batch, and updates leave no tensors behind", () => {
    const { learner, params, target, data } = learnerAndBatch(6)
    const lossOf = () => tf.tidy(() => {
      const named = (p: Float32Array) => learner.layout.named(learner.layout.tensors(p, 1))
      return learner.loss(named(params), named(target), batchTensors(shape, data), { alpha: 1, gumbel: undefined }).dataSync()[0]!
    })
    const targetTensors = learner.layout.tensors(target, 1)
    const squareAvg = new Float32Array(params.length)
    const first = lossOf()
    learnerUpdate(learner, shape, params, squareAvg, targetTensors, data, 1, undefined) // burn-in
    const before = tf.memory().numTensors
    for (let k = 0; k < 7; k++) learnerUpdate(learner, shape, params, squareAvg, targetTensors, data, 1, undefined)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose(targetTensors)
    const last = lossOf()
    expect(last).toBeLessThan(0.7 * first)
  })

  it("trains inside the runner with tf.memory().numTensors flat after burn-in", () => {
    const learner = makeRecurrentQtran(shape, { ...config, batchSize: 4, bufferSize: 6, targetUpdateEpisodes: 8 })
    const settings = { ...defaultSmacRunSettings(900), envs: 4, updatesPerRun: 3, testInterval: 300, testEpisodes: 4, epsilonAnnealSteps: 600 }
    const before = tf.memory().numTensors
    const trainer = createSmacTrainer({ map, learner, settings, rootSeed: 5, seed: 1 })
    trainer.advance(300) // burn-in
    const updates = trainer.updatesDone()
    expect(updates).toBeGreaterThan(0)
    const after = tf.memory().numTensors
    trainer.advance(Infinity)
    expect(trainer.updatesDone()).toBeGreaterThan(updates + 3)
    expect(trainer.results().length).toBeGreaterThanOrEqual(3)
    expect(tf.memory().numTensors).toBe(after)
    trainer.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
