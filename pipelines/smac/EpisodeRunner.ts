/**
 * The episode runner (PyMARL's ParallelRunner, in one process): E environments stepped side
 * by side, one batched agent forward pass per step over the agents of every environment still
 * running, until all E episodes have ended.
 *
 * Each episode's environment starts from its own seeded state (`envState(k)` for the k-th
 * episode of the run), and actions come from a `Selector` that draws from one stream in a fixed
 * order (step, environment, agent), so a batch of episodes is a pure function of the network
 * weights, the episode indices and the selector's stream state.
 */
import type { Env } from "../../src/envs/smac/Env.ts"
import type { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import type { RngState } from "../../src/rng/Rng.ts"
import { type Episode } from "./Episode.ts"
import { type EpisodeShape, inputDim } from "../../src/learners/recurrent.ts"

/**
 * Chooses one action per row from Q values q [rows · A] and availability avail [rows · A],
 * writing them into out [rows]. Only ever picks available actions.
 */
export type Selector = (q: Float32Array, avail: Uint8Array, rows: number, out: Int32Array) => void

export const smacShape = (env: Env): EpisodeShape => ({
  agents: env.info.nAgents,
  actions: env.info.nActions,
  obsDim: env.info.obsSize,
  stateDim: env.info.stateSize
})

/** Writes agent `i`'s input row (obs ⊕ last action one-hot ⊕ id one-hot) at `out[offset…]`. */
export const writeInput = (
  env: Env,
  s: ReturnType<Env["reset"]>,
  i: number,
  lastAction: number,
  shape: EpisodeShape,
  obsScratch: Float32Array,
  out: Float32Array,
  offset: number
): void => {
  env.obs(s, i, obsScratch)
  out.set(obsScratch, offset)
  const base = offset + shape.obsDim
  out.fill(0, base, base + shape.actions + shape.agents)
  if (lastAction >= 0) out[base + lastAction] = 1
  out[base + shape.actions + i] = 1
}

/** Per-environment scratch, sized for the longest episode. */
class Slot {
  readonly inputs: Float32Array
  readonly state: Float32Array
  readonly avail: Uint8Array
  readonly actions: Uint8Array
  readonly reward: Float32Array
  readonly hidden: Float32Array
  length = 0
  done = false
  terminated = false
  won = false
  ret = 0
  envEpisode = 0
  s: ReturnType<Env["reset"]> | undefined = undefined

  constructor(shape: EpisodeShape, limit: number, hidden: number) {
    const { agents: N, actions: A, stateDim } = shape
    this.inputs = new Float32Array((limit + 1) * N * inputDim(shape))
    this.state = new Float32Array((limit + 1) * stateDim)
    this.avail = new Uint8Array((limit + 1) * N * A)
    this.actions = new Uint8Array(limit * N)
    this.reward = new Float32Array(limit)
    this.hidden = new Float32Array(N * hidden)
  }
}

export class EpisodeRunner {
  readonly env: Env
  readonly shape: EpisodeShape
  readonly envs: number
  private readonly slots: Array<Slot>
  private readonly obsScratch: Float32Array
  private readonly stateScratch: Float32Array
  private readonly x: Float32Array
  private readonly h: Float32Array
  private readonly q: Float32Array
  private readonly availRows: Uint8Array
  private readonly chosen: Int32Array
  private readonly joint: Int32Array

  constructor(env: Env, envs: number, hidden: number) {
    this.env = env
    this.shape = smacShape(env)
    this.envs = envs
    const { agents: N, actions: A } = this.shape
    const limit = env.info.episodeLimit
    this.slots = Array.from({ length: envs }, () => new Slot(this.shape, limit, hidden))
    this.obsScratch = new Float32Array(this.shape.obsDim)
    this.stateScratch = new Float32Array(this.shape.stateDim)
    const rows = envs * N
    this.x = new Float32Array(rows * inputDim(this.shape))
    this.h = new Float32Array(rows * hidden)
    this.q = new Float32Array(rows * A)
    this.availRows = new Uint8Array(rows * A)
    this.chosen = new Int32Array(rows)
    this.joint = new Int32Array(N)
  }

  /** Record step t's inputs, state and availability (last actions from step t − 1). */
  private observe(slot: Slot): void {
    const { env, shape } = this
    const { agents: N, actions: A, stateDim } = shape
    const D = inputDim(shape)
    const t = slot.length
    const s = slot.s!
    for (let i = 0; i < N; i++) {
      const last = t === 0 ? -1 : slot.actions[(t - 1) * N + i]!
      writeInput(env, s, i, last, shape, this.obsScratch, slot.inputs, (t * N + i) * D)
      env.availActions(s, i, slot.avail.subarray((t * N + i) * A, (t * N + i + 1) * A))
    }
    env.state(s, this.stateScratch)
    slot.state.set(this.stateScratch, t * stateDim)
  }

  /**
   * Run `episodes` ≤ E episodes side by side with `agent`; the j-th starts from
   * `envState(firstEpisode + j)`.
   */
  run(
    agent: GruAgentCpu,
    select: Selector,
    firstEpisode: number,
    episodes: number,
    envState: (episode: number) => RngState
  ): Array<Episode> {
    const { env, shape } = this
    const { agents: N, actions: A } = shape
    const D = inputDim(shape)
    const H = agent.shape.hidden
    const slots = this.slots.slice(0, episodes)
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!
      slot.envEpisode = firstEpisode + j
      slot.s = env.reset(envState(slot.envEpisode))
      slot.length = 0
      slot.done = false
      slot.terminated = false
      slot.won = false
      slot.ret = 0
      slot.hidden.fill(0)
      this.observe(slot)
    }
    const active: Array<Slot> = []
    for (;;) {
      active.length = 0
      for (const slot of slots) if (!slot.done) active.push(slot)
      if (active.length === 0) break
      // Gather the running environments' rows: inputs, hidden states, availability.
      active.forEach((slot, r) => {
        const t = slot.length
        this.x.set(slot.inputs.subarray(t * N * D, (t + 1) * N * D), r * N * D)
        this.h.set(slot.hidden, r * N * H)
        this.availRows.set(slot.avail.subarray(t * N * A, (t + 1) * N * A), r * N * A)
      })
      const rows = active.length * N
      agent.step(this.x, this.h, rows, this.q)
      select(this.q, this.availRows, rows, this.chosen)
      active.forEach((slot, r) => {
        slot.hidden.set(this.h.subarray(r * N * H, (r + 1) * N * H))
        const t = slot.length
        for (let i = 0; i < N; i++) {
          this.joint[i] = this.chosen[r * N + i]!
          slot.actions[t * N + i] = this.joint[i]!
        }
        const { reward, terminated, info } = env.step(slot.s!, this.joint)
        slot.reward[t] = reward
        slot.ret += reward
        slot.length = t + 1
        this.observe(slot)
        if (terminated) {
          slot.done = true
          slot.terminated = !info.episodeLimit
          slot.won = info.battleWon
        }
      })
    }
    return slots.map((slot) => {
      const L = slot.length
      return {
        length: L,
        inputs: slot.inputs.slice(0, (L + 1) * N * D),
        state: slot.state.slice(0, (L + 1) * shape.stateDim),
        avail: slot.avail.slice(0, (L + 1) * N * A),
        actions: slot.actions.slice(0, L * N),
        reward: slot.reward.slice(0, L),
        terminated: slot.terminated,
        won: slot.won,
        return: slot.ret,
        envEpisode: slot.envEpisode
      }
    })
  }
}

/**
 * Rebuild an episode from its starting environment state and its joint actions (the
 * environment is deterministic given both), for restoring a replay buffer from a checkpoint.
 */
export const replayEpisode = (env: Env, start: RngState, envEpisode: number, actions: Uint8Array): Episode => {
  const shape = smacShape(env)
  const { agents: N, actions: A, stateDim } = shape
  const D = inputDim(shape)
  const L = actions.length / N
  const inputs = new Float32Array((L + 1) * N * D)
  const state = new Float32Array((L + 1) * stateDim)
  const avail = new Uint8Array((L + 1) * N * A)
  const reward = new Float32Array(L)
  const obs = new Float32Array(shape.obsDim)
  const joint = new Int32Array(N)
  const s = env.reset(start)
  let ret = 0
  let terminated = false
  let won = false
  const observe = (t: number) => {
    for (let i = 0; i < N; i++) {
      writeInput(env, s, i, t === 0 ? -1 : actions[(t - 1) * N + i]!, shape, obs, inputs, (t * N + i) * D)
      env.availActions(s, i, avail.subarray((t * N + i) * A, (t * N + i + 1) * A))
    }
    state.set(env.state(s), t * stateDim)
  }
  observe(0)
  for (let t = 0; t < L; t++) {
    for (let i = 0; i < N; i++) joint[i] = actions[t * N + i]!
    const r = env.step(s, joint)
    reward[t] = r.reward
    ret += r.reward
    observe(t + 1)
    if (r.terminated) {
      terminated = !r.info.episodeLimit
      won = r.info.battleWon
    }
  }
  return { length: L, inputs, state, avail, actions: actions.slice(), reward, terminated, won, return: ret, envEpisode }
}
