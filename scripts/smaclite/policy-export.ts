/**
 * A trained SMAC-lite run's greedy agent, written out for `play_policy.py`, which plays it on
 * SMAClite (issue 19: MMM2's gap against SMAC). Writes one JSON file with
 *   - the agent network's shape and parameters by name (fc1, the GRU with PyTorch's r|z|n gates,
 *     fc2: `src/nn/gruAgentCpu.ts`), in our layout (`w[k · out + j]`, input k, output j);
 *   - our agent and enemy order at the start (type and position of each): SMAClite numbers units
 *     in its spawn order, we sort agents SMAC's way (`src/envs/smac/spawn.ts`), so the player
 *     needs both to translate; and what the observation's unit features hold (type bits by our
 *     map's type ids, shields);
 *   - a reference the player checks itself against before it plays: one greedy episode on our
 *     map from the run's first evaluated start, each step's agent inputs (observation ⊕ last
 *     action ⊕ agent id, as `EpisodeRunner` writes them), availability, Q-values, chosen actions
 *     and every unit's hit points and position after the step, and the observations and
 *     availability at the start.
 *
 *   node scripts/smaclite/policy-export.ts ARTIFACT [--run vdn-MMM2-seed0] [--start K] [--out FILE]
 */
import { writeFileSync } from "node:fs"
import { Effect } from "effect"
import { fromArtifact } from "../../src/cli/evaluate.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { UNIT_TYPES } from "../../src/envs/smac/units.ts"
import { agentShape } from "../../src/learners/recurrent.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { streamState } from "../../src/rng/Rng.ts"
import { smacShape, writeInput } from "../../pipelines/smac/EpisodeRunner.ts"
import { buildSmacLearner } from "../../pipelines/smac/learners.ts"
import { greedySelector } from "../../pipelines/smac/selectors.ts"
import { streamLabels } from "../../pipelines/smac/train.ts"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const source = args[0]
if (source === undefined || source.startsWith("--")) {
  console.error("usage: node scripts/smaclite/policy-export.ts ARTIFACT [--run NAME] [--start K] [--out FILE]")
  process.exit(2)
}
const trained = await Effect.runPromise(fromArtifact(source, flag("run"), undefined))
const env = makeEnv(trained.spec)
const shape = smacShape(env)
const learner = buildSmacLearner(trained.algo, shape, trained.config.learners)
if (learner.layout.size !== trained.params.length) throw new Error(`${source}: ${trained.params.length} parameters, the layout needs ${learner.layout.size}`)
const H = learner.training.agentHidden
const gshape = agentShape(shape, H)
const named = learner.layout.unpack(trained.params, 1, 0)
const agent = new GruAgentCpu(gshape, named)
const { agents: N, actions: A, obsDim } = shape
const D = gshape.inputs

// The reference episode: greedy, from test start K (default: the run's first test start past its
// curve, the first of the unseen starts `results evaluate` plays).
const start = Number(flag("start") ?? trained.curve.length * trained.config.run.testEpisodes)
const labels = streamLabels(trained.algo, trained.map, trained.seed)
const s = env.reset(streamState(trained.config.rootSeed, labels.test(start)))
const at = (i: number) => ({ x: s.x[i]!, y: s.y[i]! })
const allies = env.info.agentTypes.map((type, i) => ({ type, ...at(i) }))
const enemies = env.info.enemyTypes.map((type, e) => ({ type, ...at(N + e) }))
const startObs = Array.from({ length: N }, (_, i) => Array.from(env.obs(s, i)))
const startAvail = Array.from({ length: N }, (_, i) => Array.from(env.availActions(s, i)))

const x = new Float32Array(N * D)
const obs = new Float32Array(obsDim)
const h = new Float32Array(N * H)
const q = new Float32Array(N * A)
const avail = new Uint8Array(N * A)
const chosen = new Int32Array(N)
const select = greedySelector(A)
const units = N + env.info.nEnemies
/** Per-agent rows of a [N · width] array. */
const rowsOf = (a: Float32Array | Uint8Array, width: number) => Array.from({ length: N }, (_, i) => Array.from(a.subarray(i * width, (i + 1) * width)))
const steps: Array<{
  inputs: Array<Array<number>>
  avail: Array<Array<number>>
  q: Array<Array<number>>
  actions: Array<number>
  /** Every unit (agents, then enemies) after the step: hit points and position. */
  after: { hp: Array<number>; x: Array<number>; y: Array<number> }
}> = []
let won = false
let ret = 0
for (let t = 0; t < env.info.episodeLimit; t++) {
  for (let i = 0; i < N; i++) {
    writeInput(env, s, i, t === 0 ? -1 : chosen[i]!, shape, obs, x, i * D)
    env.availActions(s, i, avail.subarray(i * A, (i + 1) * A))
  }
  const inputs = rowsOf(x, D)
  agent.step(x, h, N, q)
  select(q, avail, N, chosen)
  const step = { inputs, avail: rowsOf(avail, A), q: rowsOf(q, A), actions: Array.from(chosen) }
  const r = env.step(s, chosen)
  const after = { hp: Array.from(s.hp.subarray(0, units)), x: Array.from(s.x.subarray(0, units)), y: Array.from(s.y.subarray(0, units)) }
  steps.push({ ...step, after })
  ret += r.reward
  if (r.terminated) {
    won = r.info.battleWon
    break
  }
}

const out = flag("out") ?? `policy-${trained.name}.json`
writeFileSync(out, JSON.stringify({
  source,
  run: trained.name,
  map: trained.map,
  shape: { agents: N, enemies: env.info.nEnemies, actions: A, obsDim, inputs: D, hidden: H, episodeLimit: env.info.episodeLimit },
  params: Object.fromEntries(["fc1.w", "fc1.b", "gru.wi", "gru.bi", "gru.wh", "gru.bh", "fc2.w", "fc2.b"].map((k) => [k, Array.from(named[`agent.${k}`]!)])),
  allies,
  enemies,
  // What the observation's unit features hold (`Env.ts` obs): type bits by our map's ids, and a
  // shield feature on a side where some unit has shields.
  unitTypeBits: trained.spec.unitTypeBits,
  typeIds: { ally: trained.spec.allyTypeIds, enemy: trained.spec.enemyTypeIds },
  shields: {
    ally: env.info.agentTypes.some((t) => UNIT_TYPES[t].shield > 0),
    enemy: env.info.enemyTypes.some((t) => UNIT_TYPES[t].shield > 0)
  },
  reference: { start, startObs, startAvail, steps, won, return: ret }
}))
console.log(`${out}: ${trained.name}, ${N} agents, inputs ${D}, hidden ${H}, ${A} actions; reference episode from start ${start}: ${steps.length} steps, ${won ? "won" : "not won"}, return ${ret.toFixed(2)}`)
