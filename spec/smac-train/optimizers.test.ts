/**
 * The SMAC learners' optimizers on plain arrays: Adam (`adamStepArrays`, pymarl2's choice)
 * against PyTorch's own formulation of `torch.optim.Adam.step` written out here
 * (step_size = lr / (1 − β1^t), denom = √v / √(1 − β2^t) + ε), after `clip_grad_norm_`; and a
 * SMAC run with `optimizer: "adam"` resumed from its checkpoint ends with the same bytes.
 */
import { describe, expect, it } from "vitest"
import { defaultAdam, adamStepArrays } from "../../src/nn/adam.ts"
import { ParamLayout } from "../../src/nn/params.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { defaultRecurrentQmixConfig, makeRecurrentQmix } from "../../src/learners/qmix/recurrent.ts"
import { decodeCheckpoint, encodeCheckpoint } from "../../pipelines/smac/checkpoint.ts"
import { smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { createSmacTrainer, defaultSmacRunSettings } from "../../pipelines/smac/train.ts"

describe("Adam on plain arrays", () => {
  it("matches PyTorch's Adam step after clip_grad_norm_, over three steps, replicas apart", () => {
    const layout = new ParamLayout([{ name: "w", shape: [3], bound: 1 }])
    const S = 2
    const params = Float32Array.from([0.5, -1, 2, 0.1, 0.2, 0.3])
    const at = (s: number, k: number) => layout.blocks(S, s)[0]![0] + k // w_k of replica s
    const m = new Float32Array(6)
    const v = new Float32Array(6)
    const settings = { ...defaultAdam, lr: 1e-3, gradNormClip: 1 }
    // Reference state per replica, in float64.
    const ref = [0, 1].map((s) => ({ p: [0, 1, 2].map((k) => params[at(s, k)]!), m: [0, 0, 0], v: [0, 0, 0] }))
    const grads = [[3, 4, 0, 0.1, -0.2, 0.05], [-1, 0.5, 2, 0.3, 0.3, -0.3], [0.01, 0.02, -0.03, 5, 0, 0]]
    grads.forEach((g, i) => {
      const t = i + 1
      adamStepArrays(layout, S, params, m, v, g, t, settings)
      for (const s of [0, 1]) {
        const gs = [0, 1, 2].map((k) => g[at(s, k)]!)
        const norm = Math.sqrt(gs.reduce((a, x) => a + x * x, 0))
        const clipped = gs.map((x) => x * Math.min(1, settings.gradNormClip / (norm + 1e-6))) // torch.nn.utils.clip_grad_norm_
        const r = ref[s]!
        const bc1 = 1 - settings.beta1 ** t
        const bc2 = 1 - settings.beta2 ** t
        for (let k = 0; k < 3; k++) {
          r.m[k] = r.m[k]! * settings.beta1 + clipped[k]! * (1 - settings.beta1) // exp_avg.lerp_
          r.v[k] = r.v[k]! * settings.beta2 + clipped[k]! * clipped[k]! * (1 - settings.beta2) // exp_avg_sq.mul_().addcmul_()
          const denom = Math.sqrt(r.v[k]!) / Math.sqrt(bc2) + settings.eps
          r.p[k] = r.p[k]! - (settings.lr / bc1) * (r.m[k]! / denom)
        }
      }
    })
    for (const s of [0, 1]) {
      for (let k = 0; k < 3; k++) expect(params[at(s, k)]!, `replica ${s}, w${k}`).toBeCloseTo(ref[s]!.p[k]!, 6)
    }
  })
})

describe("a SMAC run with optimizer adam", () => {
  const map = BUILTIN_MAPS["3m"]
  const shape = smacShape(makeEnv(map))
  const settings = { ...defaultSmacRunSettings(900), envs: 4, updatesPerRun: 3, testInterval: 300, testEpisodes: 4, epsilonAnnealSteps: 600 }
  const options = () => ({
    map,
    learner: makeRecurrentQmix(shape, {
      ...defaultRecurrentQmixConfig, agentHidden: 8, batchSize: 4, bufferSize: 6, targetUpdateEpisodes: 8, mixingEmbed: 4, hypernetEmbed: 8,
      optimizer: "adam" as const, lr: 1e-3, tdLambda: 0.6
    }),
    settings,
    rootSeed: 5,
    seed: 1
  })

  it("resumed from a checkpoint ends with the same bytes as an uninterrupted run, and differs from RMSProp's", () => {
    const whole = createSmacTrainer(options())
    whole.advance(Infinity)
    const expected = encodeCheckpoint(whole.state())
    whole.dispose()
    const first = createSmacTrainer(options())
    first.advance(400)
    const saved = encodeCheckpoint(first.state())
    first.dispose()
    expect(JSON.parse(saved).firstMoment).toBeTypeOf("string")
    const second = createSmacTrainer(options(), decodeCheckpoint(saved))
    second.advance(Infinity)
    const got = encodeCheckpoint(second.state())
    second.dispose()
    expect(JSON.parse(got).updates).toBeGreaterThan(8)
    expect(got).toBe(expected)
    const rms = createSmacTrainer({ ...options(), learner: makeRecurrentQmix(shape, { ...defaultRecurrentQmixConfig, agentHidden: 8, batchSize: 4, bufferSize: 6, targetUpdateEpisodes: 8, mixingEmbed: 4, hypernetEmbed: 8, lr: 1e-3, tdLambda: 0.6 }) })
    rms.advance(Infinity)
    expect(JSON.parse(encodeCheckpoint(rms.state())).params).not.toBe(JSON.parse(expected).params)
    rms.dispose()
  })
})
