/**
 * SMAC-lite's environment: SMAC's interface (oxwhirl/smac `starcraft2.py`, "S2") over the
 * simulator in `world.ts`.
 *
 *   const env = makeEnv(BUILTIN_MAPS["2s3z"])
 *   const s = env.reset(streamState(seed, ["smac", "env"]))
 *   env.availActions(s, agent, mask); env.obs(s, agent, obsBuf); env.state(s, stateBuf)
 *   const { reward, terminated, info } = env.step(s, actions)   // advances `s` in place
 *
 * `step` advances the given state in place (speed: no allocation per step); take a copy first
 * with `cloneState` to branch. Every state owns all of its memory and its own random stream, so
 * any number of states can be stepped side by side with one `Env`. Nothing here does I/O.
 */
import { Stream, type RngState } from "../../rng/Rng.ts"
import { ActionCountMismatch, EpisodeOver, InvalidAction } from "./errors.ts"
import type { MapSpec } from "./MapSpec.ts"
import { LOOPS_PER_STEP, type UnitTypeName } from "./units.ts"
import { GROUND } from "./terrain.ts"
import { type EnvOptions, resolveEnvOptions } from "./options.ts"
import { tick } from "./world.ts"
import { ATTACK, IDLE, MOVE, cloneState, initialState, makeWorld, type EnvState, type World } from "./state.ts"

export { cloneState, type EnvState }

export interface EnvInfo {
  readonly mapName: string
  readonly nAgents: number
  readonly nEnemies: number
  /** 6 + nEnemies: no-op, stop, move N/S/E/W, attack (or heal) target i. */
  readonly nActions: number
  readonly obsSize: number
  readonly stateSize: number
  readonly episodeLimit: number
  /** S2 `max_reward`: 10 per enemy + 200 + Σ enemy (hp + shield). */
  readonly maxReward: number
  readonly agentTypes: ReadonlyArray<UnitTypeName>
  readonly enemyTypes: ReadonlyArray<UnitTypeName>
}

/** S2 `step`'s info dict. */
export interface StepInfo {
  readonly battleWon: boolean
  /** The episode hit its limit (set only with `continuingEpisode`, as in S2). */
  readonly episodeLimit: boolean
  readonly deadAllies: number
  readonly deadEnemies: number
}

export interface StepResult {
  readonly reward: number
  readonly terminated: boolean
  readonly info: StepInfo
}

export interface Env {
  readonly info: EnvInfo
  readonly map: MapSpec
  readonly world: World
  reset(rng: RngState): EnvState
  /** Advance `state` in place by one agent step (8 game loops). Throws ActionCountMismatch / InvalidAction / EpisodeOver. */
  step(state: EnvState, actions: ArrayLike<number>): StepResult
  obs(state: EnvState, agent: number, out?: Float32Array): Float32Array
  state(state: EnvState, out?: Float32Array): Float32Array
  availActions(state: EnvState, agent: number, out?: Uint8Array): Uint8Array
}

/** SMAC's fixed ranges (S2 `unit_sight_range`, `unit_shoot_range`, `_move_amount`). */
export const SIGHT_RANGE = 9
export const SHOOT_RANGE = 6
export const MOVE_AMOUNT = 2
/** Action ids (S2 `get_agent_action`). */
export const NOOP = 0
export const STOP = 1
export const MOVE_NORTH = 2
export const MOVE_SOUTH = 3
export const MOVE_EAST = 4
export const MOVE_WEST = 5
export const N_NON_ATTACK = 6
/** (dx, dy) per move action 2..5: north = +y, south = −y, east = +x, west = −x. */
export const MOVE_DX = [0, 0, 1, -1] as const
export const MOVE_DY = [1, -1, 0, 0] as const
/** S2 `n_obs_pathing`: the points `obsPathingGrid` reads. */
export const N_OBS_PATHING = 8
/**
 * S2 `get_surrounding_points`, in units of move_amount: (0, ±2), (±2, 0), then the diagonals
 * (+1, +1), (−1, −1), (+1, −1), (−1, +1).
 */
const PATHING_DX = [0, 0, 2, -2, 1, -1, 1, -1] as const
const PATHING_DY = [2, -2, 0, 0, 1, -1, -1, 1] as const

export const makeEnv = (map: MapSpec, options: EnvOptions = {}): Env => {
  const {
    obsLastAction, stateLastAction, continuingEpisode, rewardOnlyPositive: onlyPositive, rewardScale: scale,
    rewardScaleRate: scaleRate, rewardDeathValue: deathValue, rewardWin: winReward, rewardDefeat: defeatReward,
    rewardNegativeScale: negScale, rewardSparse: sparse, obsAllHealth: allHealth, obsOwnHealth: ownHealth,
    obsPathingGrid: obsPathing, obsTimestepNumber: obsTimestep, stateTimestepNumber: stateTimestep, obsInsteadOfState
  } = resolveEnvOptions(options)

  const w = makeWorld(map)
  const { nAgents, nEnemies, nUnits, types } = w
  const nActions = N_NON_ATTACK + nEnemies
  const bits = map.unitTypeBits
  const shieldAlly = types.slice(0, nAgents).some((t) => t.shield > 0) ? 1 : 0
  const shieldEnemy = types.slice(nAgents).some((t) => t.shield > 0) ? 1 : 0
  // S2 `get_obs_size`: move feats, enemy feats, ally feats, own feats (the timestep counts among
  // the own feats there; S2's vector then holds a zero before it and is one longer than its
  // stated size, which we do not copy: ours ends with the timestep and has the stated size).
  const nMove = 4 + (obsPathing ? N_OBS_PATHING : 0)
  const nfEn = 4 + bits + (allHealth ? 1 + shieldEnemy : 0)
  const nfAl = 4 + bits + (allHealth ? 1 + shieldAlly : 0) + (obsLastAction ? nActions : 0)
  const nfOwn = bits + (ownHealth ? 1 + shieldAlly : 0)
  const obsSize = nMove + nEnemies * nfEn + (nAgents - 1) * nfAl + nfOwn + (obsTimestep ? 1 : 0)
  // S2 `get_state_size`.
  const nsAl = 4 + shieldAlly + bits
  const nsEn = 3 + shieldEnemy + bits
  const stateSize = obsInsteadOfState
    ? nAgents * obsSize
    : nAgents * nsAl + nEnemies * nsEn + (stateLastAction ? nAgents * nActions : 0) + (stateTimestep ? 1 : 0)
  const maxReward = nEnemies * deathValue + winReward + types.slice(nAgents).reduce((a, t) => a + t.hp + t.shield, 0)
  const rewardDivisor = scale ? maxReward / scaleRate : 1
  /** One-hot index per unit: ally ids for agents, enemy ids for enemies (S2 `get_unit_type_id`). */
  const typeId = Int32Array.from(types, (t, u) => (u < nAgents ? map.allyTypeIds[t.name] : map.enemyTypeIds[t.name]) ?? 0)
  /** S2 `only_medivac_left` applies on maps with Medivacs (S2 map_type "MMM"). */
  const hasMedivacs = types.some((t) => t.healer)
  const centreX = map.width / 2
  const centreY = map.height / 2
  // S2 divides by the playable area's size; SMAC's maps are playable over the whole map.
  const maxDistX = map.width
  const maxDistY = map.height

  const canMove = (s: EnvState, a: number, dir: number): boolean => {
    // S2 `can_move`: the cell at int(pos ± move_amount / 2) is inside the map and pathable in
    // SC2's ground pathing grid, for every unit type: a cliff cell masks the move even for a
    // Colossus, which reaches cliffs only by walking to a target.
    const x = Math.trunc(s.x[a]! + (MOVE_DX[dir]! * MOVE_AMOUNT) / 2)
    const y = Math.trunc(s.y[a]! + (MOVE_DY[dir]! * MOVE_AMOUNT) / 2)
    return x >= 0 && y >= 0 && x < map.width && y < map.height && w.pathable[y * map.width + x] === GROUND
  }

  const distance = (s: EnvState, a: number, b: number): number => Math.hypot(s.x[b]! - s.x[a]!, s.y[b]! - s.y[a]!)

  const availActions = (s: EnvState, a: number, out: Uint8Array = new Uint8Array(nActions)): Uint8Array => {
    out.fill(0)
    if (s.alive[a] === 0) {
      out[NOOP] = 1 // S2: only no-op when dead
      return out
    }
    out[STOP] = 1
    for (let dir = 0; dir < 4; dir++) if (canMove(s, a, dir)) out[MOVE_NORTH + dir] = 1
    if (types[a]!.healer) {
      // S2: a Medivac heals allies that are not Medivacs; action 6 + i names ally i.
      for (let t = 0; t < nAgents; t++) {
        if (s.alive[t] === 1 && !types[t]!.healer && distance(s, a, t) <= SHOOT_RANGE) out[N_NON_ATTACK + t] = 1
      }
    } else {
      for (let e = 0; e < nEnemies; e++) {
        if (s.alive[nAgents + e] === 1 && distance(s, a, nAgents + e) <= SHOOT_RANGE) out[N_NON_ATTACK + e] = 1
      }
    }
    return out
  }

  /**
   * A unit u in sight of an agent at (x, y), at distance d: distance, relative x and y (all over
   * the sight range), health and shield (if `shield` is 1) unless `obsAllHealth` is off, and type
   * bits, from `at`. Returns the index after the type bits.
   */
  const seen = (s: EnvState, u: number, d: number, x: number, y: number, shield: number, out: Float32Array, at: number): number => {
    out[at] = d / SIGHT_RANGE
    out[at + 1] = (s.x[u]! - x) / SIGHT_RANGE
    out[at + 2] = (s.y[u]! - y) / SIGHT_RANGE
    let ind = at + 3
    if (allHealth) {
      out[ind++] = s.hp[u]! / types[u]!.hp
      if (shield) out[ind++] = types[u]!.shield > 0 ? s.shield[u]! / types[u]!.shield : 0
    }
    if (bits > 0) out[ind + typeId[u]!] = 1
    return ind + bits
  }

  const obs = (s: EnvState, a: number, out: Float32Array = new Float32Array(obsSize)): Float32Array => {
    out.fill(0)
    if (s.alive[a] === 0) return out // S2: a dead agent sees zeros
    const x = s.x[a]!
    const y = s.y[a]!
    const avail = availActions(s, a, s.obsAvail)
    for (let m = 0; m < 4; m++) out[m] = avail[MOVE_NORTH + m]!
    if (obsPathing) {
      // S2 `get_surrounding_points` around (int(x), int(y)) and `get_surrounding_pathing`.
      const cx = Math.trunc(x)
      const cy = Math.trunc(y)
      for (let k = 0; k < N_OBS_PATHING; k++) {
        const px = cx + PATHING_DX[k]! * MOVE_AMOUNT
        const py = cy + PATHING_DY[k]! * MOVE_AMOUNT
        const inside = px >= 0 && py >= 0 && px < map.width && py < map.height
        out[4 + k] = !inside || w.pathable[py * map.width + px] === GROUND ? 1 : 0
      }
    }
    let base = nMove
    for (let e = 0; e < nEnemies; e++, base += nfEn) {
      const u = nAgents + e
      const d = distance(s, a, u)
      if (!(d < SIGHT_RANGE && s.alive[u] === 1)) continue
      out[base] = avail[N_NON_ATTACK + e]! // S2 quirk: for a Medivac, its heal flag for ally e
      seen(s, u, d, x, y, shieldEnemy, out, base + 1)
    }
    for (let u = 0; u < nAgents; u++) {
      if (u === a) continue
      const d = distance(s, a, u)
      if (d < SIGHT_RANGE && s.alive[u] === 1) {
        out[base] = 1
        const ind = seen(s, u, d, x, y, shieldAlly, out, base + 1)
        if (obsLastAction && s.lastAction[u]! >= 0) out[ind + s.lastAction[u]!] = 1
      }
      base += nfAl
    }
    if (ownHealth) {
      out[base++] = s.hp[a]! / types[a]!.hp
      if (shieldAlly) out[base++] = types[a]!.shield > 0 ? s.shield[a]! / types[a]!.shield : 0
    }
    if (bits > 0) out[base + typeId[a]!] = 1
    if (obsTimestep) out[obsSize - 1] = s.steps / map.episodeLimit
    return out
  }

  const state = (s: EnvState, out: Float32Array = new Float32Array(stateSize)): Float32Array => {
    if (obsInsteadOfState) {
      for (let a = 0; a < nAgents; a++) obs(s, a, out.subarray(a * obsSize, (a + 1) * obsSize))
      return out
    }
    out.fill(0)
    for (let a = 0; a < nAgents; a++) {
      if (s.alive[a] === 0) continue
      const t = types[a]!
      const base = a * nsAl
      out[base] = s.hp[a]! / t.hp
      out[base + 1] = (t.healer ? s.energy[a]! : s.cooldown[a]!) / t.smacMaxCooldown
      out[base + 2] = (s.x[a]! - centreX) / maxDistX
      out[base + 3] = (s.y[a]! - centreY) / maxDistY
      if (shieldAlly) out[base + 4] = t.shield > 0 ? s.shield[a]! / t.shield : 0
      if (bits > 0) out[base + 4 + shieldAlly + typeId[a]!] = 1
    }
    for (let e = 0; e < nEnemies; e++) {
      const u = nAgents + e
      if (s.alive[u] === 0) continue
      const t = types[u]!
      const base = nAgents * nsAl + e * nsEn
      out[base] = s.hp[u]! / t.hp
      out[base + 1] = (s.x[u]! - centreX) / maxDistX
      out[base + 2] = (s.y[u]! - centreY) / maxDistY
      if (shieldEnemy) out[base + 3] = t.shield > 0 ? s.shield[u]! / t.shield : 0
      if (bits > 0) out[base + 3 + shieldEnemy + typeId[u]!] = 1
    }
    if (stateLastAction) {
      const base = nAgents * nsAl + nEnemies * nsEn
      for (let a = 0; a < nAgents; a++) if (s.lastAction[a]! >= 0) out[base + a * nActions + s.lastAction[a]!] = 1
    }
    if (stateTimestep) out[stateSize - 1] = s.steps / map.episodeLimit
    return out
  }

  const reset = (rng: RngState): EnvState => initialState(w, rng)

  const step = (s: EnvState, actions: ArrayLike<number>): StepResult => {
    if (s.terminated) throw new EpisodeOver({ steps: s.steps })
    if (actions.length !== nAgents) throw new ActionCountMismatch({ expected: nAgents, got: actions.length })
    const { prevHealth, prevAlive, avail: checkAvail } = s
    for (let a = 0; a < nAgents; a++) {
      const act = actions[a]!
      availActions(s, a, checkAvail)
      if (!(Number.isInteger(act) && act >= 0 && act < nActions && checkAvail[act] === 1)) {
        throw new InvalidAction({ agent: a, action: act, available: [...checkAvail.keys()].filter((i) => checkAvail[i] === 1) })
      }
    }
    // Commands (S2 `get_agent_action`), kept for all 8 loops.
    for (let a = 0; a < nAgents; a++) {
      const act = actions[a]!
      s.lastAction[a] = act
      if (act === NOOP) continue
      if (act === STOP) s.order[a] = IDLE
      else if (act < N_NON_ATTACK) {
        s.order[a] = MOVE
        s.goalX[a] = s.x[a]! + MOVE_DX[act - MOVE_NORTH]! * MOVE_AMOUNT
        s.goalY[a] = s.y[a]! + MOVE_DY[act - MOVE_NORTH]! * MOVE_AMOUNT
      } else {
        s.order[a] = ATTACK
        s.orderTarget[a] = types[a]!.healer ? act - N_NON_ATTACK : nAgents + act - N_NON_ATTACK
      }
    }
    for (let u = 0; u < nUnits; u++) {
      prevHealth[u] = s.hp[u]! + s.shield[u]!
      prevAlive[u] = s.alive[u]!
    }
    s.fired.fill(-1)
    const stream = new Stream(s.rng)
    for (let loop = 0; loop < LOOPS_PER_STEP; loop++) tick(w, s, stream)
    s.rng = stream.state()
    s.steps += 1

    // S2 `reward_battle`.
    let deltaEnemy = 0
    let deltaDeaths = 0
    let deltaAlly = 0
    for (let a = 0; a < nAgents; a++) {
      if (prevAlive[a] === 0) continue
      if (s.alive[a] === 0) {
        if (!onlyPositive) deltaDeaths -= deathValue * negScale
        deltaAlly += prevHealth[a]! * negScale
      } else deltaAlly += negScale * (prevHealth[a]! - s.hp[a]! - s.shield[a]!)
    }
    for (let u = nAgents; u < nUnits; u++) {
      if (prevAlive[u] === 0) continue
      if (s.alive[u] === 0) {
        deltaDeaths += deathValue
        deltaEnemy += prevHealth[u]!
      } else deltaEnemy += prevHealth[u]! - s.hp[u]! - s.shield[u]!
    }
    // Only-positive takes |·|, which also pays for enemy shield regen and healing (S2's quirk).
    let reward = sparse ? 0 : onlyPositive ? Math.abs(deltaEnemy + deltaDeaths) : deltaEnemy + deltaDeaths - deltaAlly

    // S2 `update_units` and `only_medivac_left`.
    let alliesAlive = 0
    let alliesFighting = 0
    let enemiesAlive = 0
    let lastEnemy = -1
    for (let a = 0; a < nAgents; a++) {
      if (s.alive[a] === 1) {
        alliesAlive++
        if (!types[a]!.healer) alliesFighting++
      }
    }
    for (let u = nAgents; u < nUnits; u++) {
      if (s.alive[u] === 1) {
        enemiesAlive++
        lastEnemy = u
      }
    }
    const onlyMedivacAlly = hasMedivacs && alliesFighting === 0
    const onlyMedivacEnemy = hasMedivacs && enemiesAlive === 1 && types[lastEnemy]!.healer
    let battleWon = false
    let episodeLimit = false
    if ((alliesAlive === 0 && enemiesAlive > 0) || onlyMedivacAlly) {
      s.terminated = true
      reward = sparse ? -1 : reward + defeatReward
    } else if ((alliesAlive > 0 && enemiesAlive === 0) || onlyMedivacEnemy) {
      s.terminated = true
      battleWon = true
      reward = sparse ? 1 : reward + winReward
    } else if (alliesAlive === 0 && enemiesAlive === 0) {
      s.terminated = true
    } else if (s.steps >= map.episodeLimit) {
      s.terminated = true
      episodeLimit = continuingEpisode
    }
    s.battleWon = battleWon
    return {
      reward: reward / rewardDivisor,
      terminated: s.terminated,
      info: { battleWon, episodeLimit, deadAllies: nAgents - alliesAlive, deadEnemies: nEnemies - enemiesAlive }
    }
  }

  return {
    info: {
      mapName: map.name,
      nAgents,
      nEnemies,
      nActions,
      obsSize,
      stateSize,
      episodeLimit: map.episodeLimit,
      maxReward,
      agentTypes: types.slice(0, nAgents).map((t) => t.name),
      enemyTypes: types.slice(nAgents).map((t) => t.name)
    },
    map,
    world: w,
    reset,
    step,
    obs,
    state,
    availActions
  }
}
