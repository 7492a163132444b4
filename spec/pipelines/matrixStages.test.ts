/**
 * The matrix experiment as separate stages, train → evaluate → report: composed, they give
 * the monolithic `matrix` stage's numbers bit for bit; each step is its own artifact (cache
 * hits, verify, rerun); an input of the wrong kind is a typed error; FSV's evaluated mixer
 * goes straight into checkIgm.
 */
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { matrixConfig, type MatrixConfig, matrixStage } from "../../pipelines/matrix/stage.ts"
import { matrixFromStages, trainAndEvaluate } from "../../pipelines/matrix/composed.ts"
import { EVALUATION, type EvaluationFile, matrixEvaluateStage } from "../../pipelines/matrix/evaluateStage.ts"
import { matrixReportStage } from "../../pipelines/matrix/reportStage.ts"
import { float32Bytes, float32FromBytes, matrixTrainConfig, matrixTrainStage } from "../../pipelines/matrix/trainStage.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { knownStages } from "../../pipelines/stages.ts"
import { jointActions } from "../../src/core/factorization.ts"
import { Progress } from "../../src/progress/Progress.ts"
import { type ArtifactRef, ArtifactStore, verify } from "../../src/store/ArtifactStore.ts"
import { rerun } from "../../src/store/Rerun.ts"
import { runStage } from "../../src/store/Stage.ts"
import { checkIgm, fsvMixer } from "../../src/theory/index.ts"

const store = mkdtempSync(join(tmpdir(), "fsv-matrix-stages-"))
const layers = Layer.mergeAll(ArtifactStore.layer(store), Backend.layer("wasm"), Progress.silent)
const run = <A, E>(effect: Effect.Effect<A, E, ArtifactStore | Backend | Progress>): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(layers)))
const failure = <A, E>(effect: Effect.Effect<A, E, ArtifactStore | Backend | Progress>): Promise<E> =>
  Effect.runPromise(Effect.flip(effect).pipe(Effect.provide(layers)))
const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8")

// QMIX, and FSV with two α0 values: the matrix stage batches those four FSV replicas in one
// program, the composed path trains each α0 on its own (two replicas each).
const config: MatrixConfig = {
  ...matrixConfig({ seeds: 2, steps: 150 }),
  runs: [{ algo: "qmix", alpha0: null }, { algo: "fsv", alpha0: 1 }, { algo: "fsv", alpha0: 0.01 }]
}

let monolithic: ArtifactRef
let composed: Awaited<ReturnType<typeof runComposed>>
const runComposed = () => run(matrixFromStages(config))

beforeAll(async () => {
  process.env["FSV_JOBS"] = "1"
  monolithic = await run(runStage(matrixStage, config))
  composed = await runComposed()
}, 300_000)

describe("matrix-train → matrix-evaluate → matrix-report", () => {
  it("gives the matrix stage's result.json byte for byte, and its report.md up to the notes", () => {
    expect(composed.variants.map((v) => v.name)).toEqual(["qmix", "fsv-1", "fsv-0.01"])
    expect(read(composed.report.dir, "result.json")).toBe(read(monolithic.dir, "result.json"))
    const beforeNotes = (md: string) => md.slice(0, md.indexOf("## Notes"))
    const md = read(composed.report.dir, "report.md")
    expect(md.indexOf("## Notes")).toBeGreaterThan(0)
    expect(beforeNotes(md)).toBe(beforeNotes(read(monolithic.dir, "report.md")))
    expect(md).toContain("Composed from stages")
    expect(read(composed.report.dir, "qtot.svg")).toBe(read(monolithic.dir, "qtot.svg"))
  })

  it("every step is an artifact that verifies, and `fsv rerun` reproduces each byte for byte", async () => {
    const dirs = [composed.report.dir, ...composed.variants.flatMap((v) => [v.training.dir, v.evaluation.dir])]
    expect(dirs.map((d) => d.slice(store.length + 1).split("/")[0])).toEqual(
      ["matrix-report", "matrix-train", "matrix-evaluate", "matrix-train", "matrix-evaluate", "matrix-train", "matrix-evaluate"]
    )
    for (const dir of dirs) expect((await Effect.runPromise(verify(dir))).ok, dir).toBe(true)
    const fsv = composed.variants[2]!
    for (const dir of [composed.report.dir, fsv.evaluation.dir, fsv.training.dir]) {
      const report = await Effect.runPromise(
        rerun(dir, knownStages).pipe(Effect.provide(Layer.mergeAll(Backend.layer("wasm"), Progress.silent)))
      )
      expect({ dir, identical: report.identical, sameDigest: report.sameDigest }).toEqual({ dir, identical: true, sameDigest: true })
    }
  })

  it("running it again is all cache hits, and a new stage on one variant reuses its training", async () => {
    const again = await runComposed()
    expect([again.report, ...again.variants.flatMap((v) => [v.training, v.evaluation])].every((r) => r.cached)).toBe(true)
    const onlyFsv = await run(trainAndEvaluate(matrixTrainConfig({ algo: "fsv", alpha0: 0.01, seeds: 2, steps: 150 })))
    expect(onlyFsv.training).toMatchObject({ digest: composed.variants[2]!.training.digest, cached: true })
  })

  it("the train artifact holds the parameters: trained.json says how to read parameters.f32", () => {
    const dir = composed.variants[2]!.training.dir
    const trained = JSON.parse(read(dir, "trained.json")) as { replicas: unknown; updates: number; layout: Array<{ shape: Array<number> }> }
    expect(trained.replicas).toEqual([{ seed: 0, alpha0: 0.01 }, { seed: 1, alpha0: 0.01 }])
    expect(trained.updates).toBe(150 - 32 + 1) // one update per step once 32 episodes are buffered
    const P = trained.layout.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)
    expect(readFileSync(join(dir, "parameters.f32")).byteLength).toBe(2 * P * 4)
  })

  it("FSV's evaluation carries its mixer, which reproduces its Q_tot and passes checkIgm in the greedy limit", () => {
    const evaluation = JSON.parse(read(composed.variants[2]!.evaluation.dir, EVALUATION)) as EvaluationFile
    expect(evaluation.mixing).toHaveLength(2)
    evaluation.runs.forEach((r, s) => {
      const mixing = evaluation.mixing![s]!
      const mixer = fsvMixer(mixing)
      jointActions(evaluation.actionCounts).forEach((u, j) => {
        const q = mixer(u.map((a, i) => r.agentQ[i]![a]!), { qs: r.agentQ, actions: u })
        expect(Math.abs(q - r.qTot[j]!)).toBeLessThan(1e-4 * (1 + Math.abs(r.qTot[j]!)))
      })
      expect(checkIgm(fsvMixer({ ...mixing, alpha: 0 }), { agents: 2, actions: 3, runs: 300 }).ok).toBe(true)
    })
    const qmix = JSON.parse(read(composed.variants[0]!.evaluation.dir, EVALUATION)) as EvaluationFile
    expect(qmix.mixing).toBeNull()
  })
})

describe("typed errors", () => {
  it("evaluate without its input, or given an artifact of another stage, fails with StageInputInvalid", async () => {
    const missing = await failure(runStage(matrixEvaluateStage, {}))
    expect(missing).toMatchObject({ _tag: "StageInputInvalid", stage: "matrix-evaluate", input: "training" })
    expect(String((missing as Error).message)).toContain('input "training" is not bound')
    const wrong = await failure(runStage(matrixEvaluateStage, {}, { inputs: { training: composed.report } }))
    expect(wrong).toMatchObject({ _tag: "StageInputInvalid", input: "training" })
    expect(String((wrong as Error).message)).toContain("is a matrix-report artifact, not a matrix-train artifact")
  })

  it("a report over evaluations on different seeds fails and names the input", async () => {
    const other = await run(trainAndEvaluate(matrixTrainConfig({ algo: "vdn", seeds: 3, steps: 40 })))
    const err = await failure(runStage(matrixReportStage, { evaluations: ["qmix", "vdn"] }, {
      inputs: { qmix: composed.variants[0]!.evaluation, vdn: other.evaluation }
    }))
    expect(err).toMatchObject({ _tag: "StageInputInvalid", stage: "matrix-report", input: "vdn" })
    expect(String((err as Error).message)).toContain("has steps 40")
  })

  it("a training config with FSV's α0 ≤ 0 or a short payoff fails with ConfigInvalid naming the field", async () => {
    const fsv = matrixTrainConfig({ algo: "fsv", steps: 10 })
    const zero = await failure(runStage(matrixTrainStage, { ...fsv, learner: { ...fsv.learner, alpha0: 0 } as typeof fsv.learner }))
    expect(zero).toMatchObject({ _tag: "ConfigInvalid" })
    expect(String((zero as Error).message)).toMatch(/alpha0/)
    const short = await failure(runStage(matrixTrainStage, { ...fsv, payoff: [1, 2, 3] }))
    expect(String((short as Error).message)).toMatch(/has 3 entries, action counts give 9/)
  })
})

describe("parameters.f32", () => {
  it("is little-endian float32, checked against hand-encoded bytes", () => {
    // 1.5 = 0x3FC00000, −2 = 0xC0000000, 2^−149 (the smallest subnormal) = 0x00000001
    const bytes = float32Bytes(Float32Array.from([1.5, -2, 2 ** -149]))
    expect([...bytes]).toEqual([0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x00])
    expect([...float32FromBytes(bytes)]).toEqual([1.5, -2, 2 ** -149])
  })
})
