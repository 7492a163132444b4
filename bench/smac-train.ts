/**
 * `npm run bench -- smac-train [--backends wasm,node] [--maps 3m,2s3z,my_map.json] [--algos vdn,qmix,qtran,fsv] [--presets pymarl-quarter,pymarl,pymarl2,fsv-authors] [--seconds S] [--updates N] [--threads 1,2] [--hidden 64,256] [--split K] [--native-gru eager,graph] [--native-grads on,off] [--gru-rows 80,160,320]`
 *
 * Sections 1 and the matMul rate run once per backend in `--backends` (default wasm; node needs
 * `npm run setup:native`), for wasm once per thread count in `--threads` (default: 1 and
 * one per core), for node once per implementation of the agent's layers in `--native-gru`
 * (default graph; eager is gruNative.ts, the same bits), all in one process, so the ratios come
 * from one run; section 2 uses the last.
 *
 * 1. Milliseconds per learner update on PyMARL2's comparison shape (2s3z: 5 agents, obs 80,
 *    state 120, 11 actions, batch of 32 episodes of 121 steps, GRU 64), median of N updates
 *    after two warm-ups. PyMARL2's QMIX update on this machine: about 227 ms (PyTorch 1.13 CPU,
 *    one thread, median of 60). `--hidden` (default 64) repeats it at other GRU widths (pymarl2
 *    uses 256 on hard maps). Beside each figure: the floor the agent network's matMul FLOPs set
 *    at this backend's measured matMul rate, and the update's multiple of it.
 * 2. Environment steps per second of training (acting + learning) per preset (`--presets`,
 *    default pymarl-quarter: today's defaults; pymarl is the SMAC paper's episode runner), map and learner, over S seconds after the buffer holds
 *    a batch, on the last backend; and what a 2M-step run would take at that rate.
 *
 * With `--gru-rows R1,R2,…` (node): the agent's fc1 and GRU forward alone (gruGraph.ts, T = 121,
 *    GRU 64, no backward) per step at each row count R (the update's R is 32 episodes × 5 agents
 *    = 160): time that grows in proportion to R is arithmetic, time that does not is calls.
 *
 * 3. With `--split K`: K worker threads, each with its own wasm backend, run a full update on
 *    B/K episodes at the same time; the wall time per round bounds from below what splitting one
 *    update across K threads could reach (the gradient exchange, about 200 KB, is left out).
 *
 * The machine is shared: the figures move with the load average, printed alongside.
 */
import { loadavg } from "node:os"
import { Worker } from "node:worker_threads"
import * as tf from "@tensorflow/tfjs"
import { Context, Effect, Layer } from "effect"
import { Backend, type BackendName, defaultThreads } from "../src/backend/Backend.ts"
import { wasmThreadsInUse } from "../src/backend/wasmThreads.ts"
import { smacStage } from "../pipelines/smac/stage.ts"
import { SMAC_PRESETS, type SmacPreset, smacPresetConfig } from "../pipelines/smac/presets.ts"
import { decodeConfig } from "../src/store/Stage.ts"
import { makeEnv } from "../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../src/envs/smac/MapSpec.ts"
import { benchMaps } from "./_maps.ts"
import { RECURRENT_ALGOS, type RecurrentAlgo, inputDim } from "../src/learners/recurrent.ts"
import { buildSmacLearner } from "../pipelines/smac/learners.ts"
import { smacShape } from "../pipelines/smac/EpisodeRunner.ts"
import { createSmacTrainer } from "../pipelines/smac/train.ts"
import { setNativeGruPath } from "../src/nn/gru.ts"
import { gruAgentLayersGraph } from "../src/nn/gruGraph.ts"
import { setNativeGradients } from "../src/nn/fastMatMulGrad.ts"
import { benchUpdater, syntheticBatch } from "./_smacBatch.ts"
import { flag, median } from "./_util.ts"


/** Section 3: K workers, B/K episodes each, updating at once; median wall time per round. */
const splitBound = async (algos: ReadonlyArray<RecurrentAlgo>, K: number, n: number, load: () => string): Promise<void> => {
  process.stdout.write(`split across ${K} worker threads, 32/${K} episodes each, all updating at once (a lower bound for one update split ${K} ways):\n`)
  for (const algo of algos) {
    const workers = Array.from({ length: K }, (_, index) =>
      new Worker(new URL("./_smacSplitWorker.ts", import.meta.url), { workerData: { algo, episodes: 32 / K, index } }))
    const next = (w: Worker) => new Promise<void>((resolve, reject) => {
      w.once("error", reject)
      w.once("message", () => {
        w.off("error", reject)
        resolve()
      })
    })
    await Promise.all(workers.map(next)) // ready
    const times: Array<number> = []
    for (let k = 0; k < n + 2; k++) {
      const t0 = performance.now()
      const rounds = workers.map(next)
      for (const w of workers) w.postMessage("go")
      await Promise.all(rounds)
      if (k >= 2) times.push(performance.now() - t0)
    }
    for (const w of workers) w.postMessage("stop")
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once("exit", resolve))))
    process.stdout.write(`  ${algo.padEnd(5)} ${median(times).toFixed(0).padStart(5)} ms/round (median of ${n}; load ${load()})\n`)
  }
}

/** The agent's fc1 and GRU forward (gruGraph.ts, T = 121, GRU 64, no backward), median µs per step at each row count. */
const gruForwardByRows = (rowCounts: ReadonlyArray<number>, inputs: number): void => {
  const [H, T] = [64, 121]
  const w = tf.tidy(() => [tf.randomNormal([inputs, H], 0, 0.1, "float32", 1), tf.zeros([H]), tf.randomNormal([H, 3 * H], 0, 0.1, "float32", 2), tf.zeros([3 * H]), tf.randomNormal([H, 3 * H], 0, 0.1, "float32", 3), tf.zeros([3 * H])])
  process.stdout.write(`the agent's fc1 and GRU forward alone (graphs, T ${T}, GRU ${H}), by rows R:\n`)
  for (const R of rowCounts) {
    const x = tf.randomNormal([T * R, inputs], 0, 1, "float32", 4) as tf.Tensor2D
    const times: Array<number> = []
    for (let k = 0; k < 10; k++) {
      const t0 = performance.now()
      tf.tidy(() => void (gruAgentLayersGraph(T, false, x) as unknown as (...w: Array<tf.Tensor>) => tf.Tensor)(...w).dataSync())
      if (k >= 2) times.push(performance.now() - t0)
    }
    x.dispose()
    process.stdout.write(`  R ${String(R).padStart(4)}: ${(median(times) * 1000 / T).toFixed(0).padStart(5)} µs/step (median of 8)\n`)
  }
  tf.dispose(w)
}

export async function run(args: ReadonlyArray<string>): Promise<void> {
  const threadCounts = (flag(args, "threads") ?? [...new Set([1, defaultThreads()])].join(",")).split(",").map(Number)
  const algos = (flag(args, "algos")?.split(",") ?? [...RECURRENT_ALGOS]) as Array<RecurrentAlgo>
  const maps = benchMaps(flag(args, "maps"), ["3m", "2s3z"])
  const seconds = Number((flag(args, "seconds") ?? "60"))
  const n = Number((flag(args, "updates") ?? "10"))
  const load = () => loadavg()[0]!.toFixed(1)

  const shape2s3z = smacShape(makeEnv(BUILTIN_MAPS["2s3z"]))
  const data = syntheticBatch(shape2s3z, 121, 32)
  const hiddens = (flag(args, "hidden") ?? "64").split(",").map(Number)
  const backends = (flag(args, "backends") ?? "wasm").split(",") as Array<BackendName>
  const gruPaths = (flag(args, "native-gru") ?? "graph").split(",") as Array<"graph" | "eager">
  for (const p of gruPaths) if (p !== "graph" && p !== "eager") throw new Error(`--native-gru: graph or eager, got ${p}`)
  const gradModes = (flag(args, "native-grads") ?? "on").split(",")
  for (const m of gradModes) if (m !== "on" && m !== "off") throw new Error(`--native-grads: on or off, got ${m}`)
  const runs = backends.flatMap((backend): Array<{ backend: BackendName; threads: number; gruPath: "graph" | "eager"; grads: boolean }> => backend === "wasm"
    ? threadCounts.map((threads) => ({ backend, threads, gruPath: "graph", grads: true }))
    : gruPaths.flatMap((gruPath) => gradModes.map((m) => ({ backend, threads: 1, gruPath, grads: m === "on" }))))
  for (const { backend, threads, gruPath, grads } of runs) {
    const active = await Effect.runPromise(Effect.scoped(Effect.map(Layer.build(Backend.layer(backend, threads)), (ctx) => Context.get(ctx, Backend))))
    setNativeGruPath(gruPath)
    setNativeGradients(grads)
    process.stdout.write(backend === "wasm"
      ? `wasm backend on ${wasmThreadsInUse()} thread(s)\n`
      : `${backend} backend (TensorFlow ${active.native?.tensorflow ?? "?"}, oneDNN ${active.native?.onednn === "0" ? "off" : "on"}, its own thread pool), the agent's layers as ${gruPath === "graph" ? "TensorFlow graphs (gruGraph.ts)" : "eager ops (gruNative.ts)"}, ReLU's and |·|'s gradients as ${grads ? "TensorFlow ops" : "tfjs's (Step)"}\n`)
    // The floor: how fast this backend multiplies matrices of the agent network's shape, and
    // how many multiply-adds the GRU agent alone costs per update (forward and backward of the
    // network, forward of the target network).
    const R = 32 * shape2s3z.agents
    const rows = 122 * R
    const inputs = inputDim(shape2s3z)
    let gflops: number
    {
      const H = 64
      const a = tf.randomUniform([rows, H], 0, 1, "float32", 1)
      const b = tf.randomUniform([H, 3 * H], 0, 1, "float32", 2)
      const times: Array<number> = []
      for (let k = 0; k < 12; k++) {
        const t0 = performance.now()
        tf.tidy(() => void tf.matMul(a, b)) // wasm and TensorFlow run the kernel synchronously; reading the result back would time a copy too
        if (k >= 2) times.push(performance.now() - t0)
      }
      tf.dispose([a, b])
      gflops = (2 * rows * H * 3 * H) / (median(times) / 1000) / 1e9
      process.stdout.write(`matMul [${rows}, ${H}]·[${H}, ${3 * H}]: ${gflops.toFixed(1)} GFLOP/s (median of 10)\n`)
    }
    const gruRows = flag(args, "gru-rows")
    if (gruRows !== undefined && backend !== "wasm" && gruPath === "graph") gruForwardByRows(gruRows.split(",").map(Number), inputs)
    for (const H of hiddens) {
      // fc1, input gates, recurrence, fc2: forward once, backward twice (input and weight
      // gradients; none for the data), the target network forward once more.
      const forwardMacs = rows * (inputs * H + H * 3 * H + H * 3 * H + H * shape2s3z.actions)
      const agentMacs = forwardMacs * (1 + 2 + 1) - rows * inputs * H // no gradient for the inputs
      const floorMs = (2 * agentMacs) / (gflops * 1e9) * 1000
      process.stdout.write(`update on the 2s3z shape (N ${shape2s3z.agents}, obs ${shape2s3z.obsDim}, state ${shape2s3z.stateDim}, A ${shape2s3z.actions}, B 32, T 121, GRU ${H}); ` +
        `the GRU agent alone is ${(2 * agentMacs / 1e9).toFixed(1)} GFLOP, a floor of ${floorMs.toFixed(0)} ms at that rate${H === 64 ? "; PyMARL2 QMIX: 227 ms" : ""}\n`)
      for (const algo of algos) {
        const updater = benchUpdater(algo, shape2s3z, data, 0, H)
        const times: Array<number> = []
        for (let k = 0; k < n + 2; k++) {
          const t0 = performance.now()
          updater.update()
          if (k >= 2) times.push(performance.now() - t0)
        }
        updater.dispose()
        const ms = median(times)
        process.stdout.write(`  ${algo.padEnd(5)} ${ms.toFixed(0).padStart(5)} ms/update (median of ${n}; ${(ms / floorMs).toFixed(1)}× the floor; load ${load()})\n`)
      }
    }
  }

  const split = Number(flag(args, "split") ?? "0")
  if (split > 1) await splitBound(algos, split, n, load)
  if (seconds <= 0) return

  const presets = (flag(args, "presets") ?? "pymarl-quarter").split(",") as Array<SmacPreset>
  for (const p of presets) if (!SMAC_PRESETS.includes(p)) throw new Error(`--presets: unknown preset ${p} (known: ${SMAC_PRESETS.join(", ")})`)
  for (const preset of presets) {
    const config = await Effect.runPromise(decodeConfig(smacStage, smacPresetConfig(10_000_000, preset), `--preset ${preset}`))
    process.stdout.write(`training throughput, preset ${preset} (${config.run.envs} envs, ${config.run.updatesPerRun} update(s) per ${config.run.envs} episodes), ${seconds} s each, on ${tf.getBackend()}\n`)
    for (const map of maps) {
      for (const algo of algos) {
        const spec = map
        const learner = buildSmacLearner(algo, smacShape(makeEnv(spec)), config.learners)
        const trainer = createSmacTrainer({ map: spec, learner, settings: { ...config.run, testInterval: 10_000_000 }, rootSeed: 0, seed: 0 })
        while (trainer.updatesDone() === 0) trainer.advance(100)
        const t0 = performance.now()
        const s0 = trainer.stepsDone()
        const u0 = trainer.updatesDone()
        const m0 = trainer.updateMillis()
        while (performance.now() - t0 < seconds * 1000) trainer.advance(100)
        const secs = (performance.now() - t0) / 1000
        const ups = trainer.updatesDone() - u0
        const rate = (trainer.stepsDone() - s0) / secs
        process.stdout.write(`  ${map.name.padEnd(5)} ${algo.padEnd(5)} ${rate.toFixed(0).padStart(6)} env steps/s, ` +
          `${((trainer.updateMillis() - m0) / Math.max(1, ups)).toFixed(0)} ms/update over ${ups} updates, a 2M-step run ≈ ${(2e6 / rate / 60).toFixed(0)} min (load ${load()})\n`)
        trainer.dispose()
      }
    }
  }
}
