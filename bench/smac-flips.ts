/**
 * `npm run bench -- smac-flips [--algo qmix] [--seed 0] [--from 118000] [--to 142000]`
 *
 * How often a learner's greedy policy changes outcome between two tests, on 3m with the
 * default settings of `fsv reproduce smac`. The run trains as usual; from `--from` to `--to`
 * environment steps, the greedy policy is evaluated after every batch of training episodes
 * (every `updatesPerRun` updates) on one fixed set of 32 test starts, which no training stream
 * touches. Prints one line per evaluation (win rate and each agent's first attack target,
 * enemy = action − 6) and a summary. docs/smac-train.md (3m) has the figures for seed 0.
 */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { defaultSmacConfig } from "../pipelines/smac/stage.ts"
import { makeEnv } from "../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../src/envs/smac/MapSpec.ts"
import { agentShape, type RecurrentAlgo } from "../src/learners/recurrent.ts"
import { buildSmacLearner } from "../pipelines/smac/learners.ts"
import { GruAgentCpu } from "../src/nn/gruAgentCpu.ts"
import { streamState } from "../src/rng/Rng.ts"
import { EpisodeRunner, smacShape } from "../pipelines/smac/EpisodeRunner.ts"
import { greedySelector } from "../pipelines/smac/selectors.ts"
import { createSmacTrainer, streamLabels } from "../pipelines/smac/train.ts"
import { flag } from "./_util.ts"

export async function run(args: ReadonlyArray<string>): Promise<void> {
  await tf.setBackend("wasm")
  await tf.ready()
  const algo = (flag(args, "algo") ?? "qmix") as RecurrentAlgo
  const seed = Number(flag(args, "seed") ?? "0")
  const from = Number(flag(args, "from") ?? "118000")
  const to = Number(flag(args, "to") ?? "142000")
  const spec = BUILTIN_MAPS["3m"]
  const config = defaultSmacConfig(200_000)
  const env = makeEnv(spec)
  const shape = smacShape(env)
  const learner = buildSmacLearner(algo, shape, config.learners)
  const trainer = createSmacTrainer({ map: spec, learner, settings: config.run, rootSeed: config.rootSeed, seed })
  const runner = new EpisodeRunner(env, config.run.envs, learner.training.agentHidden)
  const labels = streamLabels(algo, spec.name, seed)
  const starts = (i: number) => streamState(config.rootSeed, [...labels.test(i), "smac-flips"])
  const wins: Array<number> = []
  const byPattern = new Map<string, Array<number>>()
  while (!trainer.done() && trainer.stepsDone() < to) {
    const tested = trainer.results().length
    trainer.advance(trainer.stepsDone() < from ? 1000 : 1)
    if (trainer.stepsDone() < from) continue
    const test = trainer.results().length > tested ? ` (a test before this batch: ${trainer.results().at(-1)!.winRate.toFixed(2)})` : ""
    const agent = new GruAgentCpu(agentShape(shape, learner.training.agentHidden), learner.layout.unpack(trainer.state().params, 1, 0))
    const patterns = new Map<string, [number, number]>()
    let won = 0
    for (let k = 0; k < 32; k += config.run.envs) {
      for (const e of runner.run(agent, greedySelector(shape.actions), k, config.run.envs, starts)) {
        const first = Array.from({ length: shape.agents }, (_, a) => {
          for (let t = 0; t < e.length; t++) if (e.actions[t * shape.agents + a]! >= 6) return String(e.actions[t * shape.agents + a]! - 6)
          return "-"
        }).join("")
        const [n, w] = patterns.get(first) ?? [0, 0]
        patterns.set(first, [n + 1, w + (e.won ? 1 : 0)])
        won += e.won ? 1 : 0
      }
    }
    wins.push(won / 32)
    for (const [p, [n, w]] of patterns) byPattern.set(p, [...(byPattern.get(p) ?? []), w / n])
    process.stdout.write(`t ${trainer.stepsDone()} updates ${trainer.updatesDone()} win ${(won / 32).toFixed(2)} first targets ${[...patterns].map(([p, [n, w]]) => `${p}: ${w}/${n} won`).join(", ")}${test}\n`)
  }
  trainer.dispose()
  const crossings = wins.slice(1).filter((w, k) => (w >= 0.5) !== (wins[k]! >= 0.5)).length
  const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  process.stdout.write(`${algo} seed ${seed}, t ${from}–${to}: ${wins.length} evaluations, mean win rate ${mean(wins).toFixed(2)}, ` +
    `≥ 0.9 in ${wins.filter((w) => w >= 0.9).length}, ≤ 0.1 in ${wins.filter((w) => w <= 0.1).length}, crossings of 0.5: ${crossings}\n`)
  for (const [p, ws] of [...byPattern].sort((a, b) => b[1].length - a[1].length)) {
    process.stdout.write(`  first targets ${p}: ${ws.length} evaluations, win rate ${Math.min(...ws).toFixed(2)}–${Math.max(...ws).toFixed(2)}, mean ${mean(ws).toFixed(2)}\n`)
  }
}
