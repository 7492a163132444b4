/**
 * The battle itself: one game loop of SMAC-lite, `tick(world, state, stream)`.
 *
 * Per-loop order (SMAClite `__world_step`, adapted):
 *   1. targets: allies take their commanded target; enemies keep, drop or (re)acquire theirs
 *      (SMAClite `AttackMoveCommand`: acquisition, retaliation, healer-priority re-pick);
 *   2. preferred velocities from the commands (attack and heal commands walk into range);
 *   3. collision avoidance per plane (`steer`, then `separate`), and the move itself;
 *   4. every living unit acts once, in an order shuffled by the environment's own stream:
 *      cooldowns, shield regen and energy tick, then it fires or heals if it is in range; each
 *      attack resets the weapon to its period plus a random delay of −1..+2 loops (SC2's);
 *   5. units at 0 hp die.
 * All state lives in the `EnvState` passed in; `World` is the map's read-only unit table.
 */
import type { RngState, Stream } from "../../rng/Rng.ts"
import type { MapSpec } from "./MapSpec.ts"
import { allyOrder, placeGroup, type Placed } from "./spawn.ts"
import {
  ENEMY_SCAN_RANGE,
  ENERGY_MAX,
  ENERGY_REGEN_PER_LOOP,
  ENERGY_START,
  HEAL_PER_ENERGY,
  HEAL_PER_LOOP,
  HEAL_START_ENERGY,
  SHIELD_REGEN_DELAY_LOOPS,
  SHIELD_REGEN_PER_LOOP,
  UNIT_TYPES,
  WEAPON_DELAY_MAX_LOOPS,
  WEAPON_DELAY_MIN_LOOPS,
  type UnitType
} from "./units.ts"

/** Unit orders. Allies get IDLE, MOVE or ATTACK (attack an enemy / heal an ally) from actions. */
export const IDLE = 0
export const MOVE = 1
export const ATTACK = 2

/** Read-only per-unit data of one map; units 0..nAgents-1 are the agents in SMAC order, then the enemies. */
export interface World {
  readonly map: MapSpec
  readonly nAgents: number
  readonly nEnemies: number
  readonly nUnits: number
  readonly types: ReadonlyArray<UnitType>
  readonly spawn: ReadonlyArray<Placed>
  readonly radius: Float64Array
  readonly maxRadius: number
  /** Pathable cells, row-major: `pathable[floor(y) * width + floor(x)]`. */
  readonly pathable: Uint8Array
}

export const makeWorld = (map: MapSpec): World => {
  const allies = allyOrder(map, placeGroup(map.allies, false))
  const enemies = placeGroup(map.enemies, true)
  const spawn = [...allies, ...enemies]
  const types = spawn.map((p) => UNIT_TYPES[p.type])
  const pathable = new Uint8Array(map.width * map.height)
  for (const r of map.pathable) {
    for (let y = r.y; y < r.y + r.height; y++) pathable.fill(1, y * map.width + r.x, y * map.width + r.x + r.width)
  }
  return {
    map,
    nAgents: allies.length,
    nEnemies: enemies.length,
    nUnits: spawn.length,
    types,
    spawn,
    radius: Float64Array.from(types, (t) => t.radius),
    maxRadius: Math.max(...types.map((t) => t.radius)),
    pathable
  }
}

/** Everything that changes during an episode. Plain data: typed arrays indexed by unit, plus scalars. */
export interface EnvState {
  /** Position, map units. [U] */
  readonly x: Float64Array
  readonly y: Float64Array
  /** Displacement during the last loop, map units per loop. [U] */
  readonly vx: Float64Array
  readonly vy: Float64Array
  readonly hp: Float64Array
  readonly shield: Float64Array
  /** Medivac energy. [U] */
  readonly energy: Float64Array
  /** Hit points already paid for with energy but not yet healed (SL `healing_available`). [U] */
  readonly healPool: Float64Array
  /** Loops until the weapon can fire. [U] */
  readonly cooldown: Float64Array
  /** Loops until shields start regenerating. [U] */
  readonly shieldDelay: Float64Array
  readonly alive: Uint8Array
  /** IDLE, MOVE or ATTACK; enemies always attack-move. [U] */
  readonly order: Uint8Array
  /** The commanded target of an ATTACK order (an enemy, or an ally to heal). [U] */
  readonly orderTarget: Int16Array
  readonly goalX: Float64Array
  readonly goalY: Float64Array
  /** Current target, −1 for none. [U] */
  readonly target: Int16Array
  /** Target during the previous loop (SL `prev_target`, for the Medivac's energy rule). [U] */
  readonly prevTarget: Int16Array
  /** Whom the unit last hit or healed during the current step, −1 for none (for replays). [U] */
  readonly fired: Int16Array
  /** Previous joint action, −1 before the first step. [N] */
  readonly lastAction: Int32Array
  /** The environment's own random stream (acting order, weapon delays). */
  rng: RngState
  steps: number
  terminated: boolean
  battleWon: boolean
  /** Episode totals: hp + shield taken from enemies, from allies, and restored to enemies. */
  damageDealt: number
  damageTaken: number
  enemyRestored: number
  // Scratch space, rewritten every loop (kept here so that no two states share memory).
  readonly prefX: Float64Array
  readonly prefY: Float64Array
  readonly nextX: Float64Array
  readonly nextY: Float64Array
  readonly attacking: Uint8Array
  readonly actOrder: Int16Array
  readonly prevHealth: Float64Array
  readonly prevAlive: Uint8Array
  /** One agent's action mask (6 + nEnemies), scratch for policies and `step`'s check. */
  readonly avail: Uint8Array
  /** The same, private to `obs`. */
  readonly obsAvail: Uint8Array
}

export const initialState = (w: World, rng: RngState): EnvState => {
  const n = w.nUnits
  const f64 = (): Float64Array => new Float64Array(n)
  const minus1 = (): Int16Array => new Int16Array(n).fill(-1)
  const s: EnvState = {
    x: Float64Array.from(w.spawn, (p) => p.x),
    y: Float64Array.from(w.spawn, (p) => p.y),
    vx: f64(),
    vy: f64(),
    hp: Float64Array.from(w.types, (t) => t.hp),
    shield: Float64Array.from(w.types, (t) => t.shield),
    energy: Float64Array.from(w.types, (t) => (t.healer ? ENERGY_START : 0)),
    healPool: f64(),
    cooldown: f64(),
    shieldDelay: f64(),
    alive: new Uint8Array(n).fill(1),
    order: new Uint8Array(n),
    orderTarget: minus1(),
    goalX: f64(),
    goalY: f64(),
    target: minus1(),
    prevTarget: minus1(),
    fired: minus1(),
    lastAction: new Int32Array(w.nAgents).fill(-1),
    rng,
    steps: 0,
    terminated: false,
    battleWon: false,
    damageDealt: 0,
    damageTaken: 0,
    enemyRestored: 0,
    prefX: f64(),
    prefY: f64(),
    nextX: f64(),
    nextY: f64(),
    attacking: new Uint8Array(n),
    actOrder: new Int16Array(n),
    prevHealth: f64(),
    prevAlive: new Uint8Array(n),
    avail: new Uint8Array(6 + w.nEnemies),
    obsAvail: new Uint8Array(6 + w.nEnemies)
  }
  return s
}

/** A deep copy: stepping the copy leaves the original untouched. */
export const cloneState = (s: EnvState): EnvState => {
  const out = {} as Record<string, unknown>
  for (const [k, v] of Object.entries(s)) {
    out[k] = ArrayBuffer.isView(v) ? (v as Float64Array).slice() : Array.isArray(v) ? [...v] : v
  }
  return out as unknown as EnvState
}

const isPathable = (w: World, x: number, y: number): boolean =>
  x >= 0 && y >= 0 && x < w.map.width && y < w.map.height &&
  w.pathable[Math.floor(y) * w.map.width + Math.floor(x)] === 1

const dist2 = (s: EnvState, a: number, b: number): number => {
  const dx = s.x[b]! - s.x[a]!
  const dy = s.y[b]! - s.y[a]!
  return dx * dx + dy * dy
}

/** SL `has_within_attack_range`: centre distance ≤ range + both radii. */
const inRange = (w: World, s: EnvState, u: number, t: number): boolean => {
  const r = w.types[u]!.range + w.radius[u]! + w.radius[t]!
  return dist2(s, u, t) <= r * r
}

/** Whether u's weapon (or heal) can reach t's plane (SL `valid_targets`). */
const canTarget = (w: World, u: number, t: number): boolean =>
  w.types[t]!.air ? w.types[u]!.targetsAir : w.types[u]!.targetsGround

/** SL `CombatType.priority`: healers sort first (0), damage dealers after (1). */
const priority = (w: World, t: number): number => (w.types[t]!.healer ? 0 : 1)

/**
 * SL `__pick_target_damage`: among allies u can hit that are within scan range (+ their radius)
 * or are attacking u, the one with the least (priority, distance). Allies attacking u from beyond
 * SL's query radius enter at distance 2e9 (retaliation). Ties: lowest index. −1 if none.
 */
const pickDamageTarget = (w: World, s: EnvState, u: number, retaliate: boolean): number => {
  const queryRadius = ENEMY_SCAN_RANGE + w.maxRadius
  let best = -1
  let bestPriority = 2
  let bestDistance = Infinity
  for (let a = 0; a < w.nAgents; a++) {
    if (s.alive[a] === 0 || !canTarget(w, u, a)) continue
    const d = Math.sqrt(dist2(s, u, a))
    const attackingMe = s.target[a] === u
    let key: number
    if (d < queryRadius && (d < ENEMY_SCAN_RANGE + w.radius[a]! || attackingMe)) key = d
    else if (retaliate && attackingMe) key = 2e9
    else continue
    const p = priority(w, a)
    if (p < bestPriority || (p === bestPriority && key < bestDistance)) {
      best = a
      bestPriority = p
      bestDistance = key
    }
  }
  return best
}

/** SL `__pick_target_healing`: the lowest-hp damaged (or fighting) friendly ground unit in scan range. */
const pickHealTarget = (w: World, s: EnvState, u: number): number => {
  let best = -1
  let bestHp = Infinity
  for (let t = w.nAgents; t < w.nUnits; t++) {
    if (t === u || s.alive[t] === 0 || !canTarget(w, u, t)) continue
    if (!(s.hp[t]! < w.types[t]!.hp || s.target[t]! >= 0)) continue
    if (Math.sqrt(dist2(s, u, t)) >= ENEMY_SCAN_RANGE + w.radius[t]!) continue
    if (s.hp[t]! < bestHp) {
      best = t
      bestHp = s.hp[t]!
    }
  }
  return best
}

/** Step 1: targets. */
const updateTargets = (w: World, s: EnvState): void => {
  const { nAgents, nUnits } = w
  for (let u = 0; u < nUnits; u++) s.prevTarget[u] = s.target[u]!
  // Allies first (SL iterates units in creation order): the commanded target while it lives.
  for (let a = 0; a < nAgents; a++) {
    if (s.alive[a] === 0) continue
    if (s.order[a] === ATTACK) {
      const t = s.orderTarget[a]!
      if (s.alive[t] === 1) s.target[a] = t
      else {
        // SC2: a unit whose target died goes idle (allies are passive and do not re-acquire).
        s.order[a] = IDLE
        s.target[a] = -1
      }
    } else s.target[a] = -1
  }
  let allyHealerAlive = false
  for (let a = 0; a < nAgents; a++) if (s.alive[a] === 1 && w.types[a]!.healer) allyHealerAlive = true
  // Enemies attack-move (SL `AttackMoveCommand.clean_up_target`, then target picking).
  for (let e = nAgents; e < nUnits; e++) {
    if (s.alive[e] === 0) continue
    const t = s.target[e]!
    if (t >= 0 && (s.alive[t] === 0 || (s.target[t] !== e && !inRange(w, s, e, t)))) s.target[e] = -1
    if (w.types[e]!.healer) {
      if (s.target[e] === -1) s.target[e] = pickHealTarget(w, s, e)
    } else if (s.target[e] === -1) {
      s.target[e] = pickDamageTarget(w, s, e, true)
    } else if (allyHealerAlive && !w.types[s.target[e]!]!.healer) {
      // SL: while the allies have a healer, enemies not already on one re-pick by priority each loop.
      const p = pickDamageTarget(w, s, e, false)
      if (p >= 0) s.target[e] = p
    }
  }
}

/** Preferred velocity toward (gx, gy) at `speed`, stopping on arrival. */
const seek = (s: EnvState, u: number, gx: number, gy: number, speed: number): void => {
  const dx = gx - s.x[u]!
  const dy = gy - s.y[u]!
  const d = Math.sqrt(dx * dx + dy * dy)
  if (d < 1e-9) {
    s.prefX[u] = 0
    s.prefY[u] = 0
    return
  }
  const v = Math.min(speed, d) / d
  s.prefX[u] = dx * v
  s.prefY[u] = dy * v
}

/** SL `MoveCommand`: a healer on the move keeps to the slowest unit it may heal nearby. */
const healerSpeed = (w: World, s: EnvState, u: number): number => {
  let speed = w.types[u]!.speedPerLoop
  const r = ENEMY_SCAN_RANGE + w.maxRadius
  for (let t = w.nAgents; t < w.nUnits; t++) {
    if (t !== u && s.alive[t] === 1 && canTarget(w, u, t) && dist2(s, u, t) < r * r) {
      speed = Math.min(speed, w.types[t]!.speedPerLoop)
    }
  }
  return speed
}

/** Step 2: preferred velocities; `attacking` marks units in range of their target (SL `AttackUnitCommand`). */
const prepareVelocities = (w: World, s: EnvState): void => {
  for (let u = 0; u < w.nUnits; u++) {
    s.attacking[u] = 0
    s.prefX[u] = 0
    s.prefY[u] = 0
    if (s.alive[u] === 0) continue
    const speed = w.types[u]!.speedPerLoop
    const t = s.target[u]!
    if (t >= 0) {
      if (inRange(w, s, u, t) && canTarget(w, u, t)) s.attacking[u] = 1
      else seek(s, u, s.x[t]!, s.y[t]!, speed)
    } else if (u >= w.nAgents) {
      const v = w.types[u]!.healer ? healerSpeed(w, s, u) : speed
      seek(s, u, w.map.attackPoint.x, w.map.attackPoint.y, v)
    } else if (s.order[u] === MOVE) {
      seek(s, u, s.goalX[u]!, s.goalY[u]!, speed)
    }
  }
}

/** How many loops ahead `steer` looks for collisions: one agent step. */
const STEER_HORIZON_LOOPS = 8
/** Gauss–Seidel sweeps of `separate` per loop. */
const SEPARATION_SWEEPS = 4

/**
 * Step 3a, steering (a one-obstacle velocity obstacle): a moving unit that would touch a unit of
 * its own plane within the horizon, given both preferred velocities, turns its velocity onto the
 * tangent of that unit's collision disc (radius r_i + r_j), passing it on its own right when head
 * on. Both units of a head-on pair turn right, so they slide past instead of locking.
 * Its own target is not an obstacle (it stops in weapon range, outside contact).
 */
const steer = (w: World, s: EnvState): void => {
  const n = w.nUnits
  for (let i = 0; i < n; i++) {
    const px = s.prefX[i]!
    const py = s.prefY[i]!
    const speed2 = px * px + py * py
    if (s.alive[i] === 0 || speed2 === 0) continue
    const air = w.types[i]!.air
    let blocker = -1
    let firstContact = STEER_HORIZON_LOOPS
    for (let j = 0; j < n; j++) {
      if (j === i || s.alive[j] === 0 || w.types[j]!.air !== air || j === s.target[i]) continue
      const dx = s.x[j]! - s.x[i]!
      const dy = s.y[j]! - s.y[i]!
      const wx = px - s.prefX[j]! // closing velocity
      const wy = py - s.prefY[j]!
      const R = w.radius[i]! + w.radius[j]!
      const dw = dx * wx + dy * wy
      if (dw <= 0) continue // not closing in
      const w2 = wx * wx + wy * wy
      const c = dx * dx + dy * dy - R * R
      const disc = dw * dw - w2 * c
      if (disc < 0) continue // passes clear
      const tc = c <= 0 ? 0 : (dw - Math.sqrt(disc)) / w2
      if (tc < firstContact) {
        firstContact = tc
        blocker = j
      }
    }
    if (blocker < 0) continue
    const dx = s.x[blocker]! - s.x[i]!
    const dy = s.y[blocker]! - s.y[i]!
    const d = Math.sqrt(dx * dx + dy * dy)
    if (d < 1e-9) continue // coincident: `separate` will part them
    const R = w.radius[i]! + w.radius[blocker]!
    // Blocker to the left of the heading (cross > 0): keep it there, turn right; head on: right.
    const side = px * dy - py * dx >= 0 ? -1 : 1
    const theta = side * (R >= d ? Math.PI / 2 : Math.asin(R / d))
    const cos = Math.cos(theta)
    const sin = Math.sin(theta)
    const speed = Math.sqrt(speed2)
    s.prefX[i] = ((dx * cos - dy * sin) / d) * speed
    s.prefY[i] = ((dx * sin + dy * cos) / d) * speed
  }
}

/** Keep a unit's proposed position on pathable ground (air units: inside the map), sliding along walls. */
const canStand = (w: World, u: number, x: number, y: number): boolean =>
  w.types[u]!.air ? x >= 0 && y >= 0 && x < w.map.width && y < w.map.height : isPathable(w, x, y)

const constrain = (w: World, s: EnvState, u: number): void => {
  const nx = s.nextX[u]!
  const ny = s.nextY[u]!
  if (canStand(w, u, nx, ny)) return
  const ox = s.x[u]!
  const oy = s.y[u]!
  if (canStand(w, u, nx, oy)) s.nextY[u] = oy
  else if (canStand(w, u, ox, ny)) s.nextX[u] = ox
  else {
    s.nextX[u] = ox
    s.nextY[u] = oy
  }
}

/**
 * Step 3b, separation (position-based dynamics): every unit proposes position + velocity; then a
 * few sweeps over same-plane pairs push overlapping discs apart along the line of centres, half
 * each. Pushes act along that line only, so two units can never pass through each other, and
 * overlaps left after the sweeps are tiny and are resolved on the next loop.
 */
const separate = (w: World, s: EnvState): void => {
  const n = w.nUnits
  for (let u = 0; u < n; u++) {
    s.nextX[u] = s.x[u]! + s.prefX[u]!
    s.nextY[u] = s.y[u]! + s.prefY[u]!
    if (s.alive[u] === 1) constrain(w, s, u)
  }
  for (let sweep = 0; sweep < SEPARATION_SWEEPS; sweep++) {
    let moved = false
    for (let i = 0; i < n; i++) {
      if (s.alive[i] === 0) continue
      const air = w.types[i]!.air
      for (let j = i + 1; j < n; j++) {
        if (s.alive[j] === 0 || w.types[j]!.air !== air) continue
        const dx = s.nextX[j]! - s.nextX[i]!
        const dy = s.nextY[j]! - s.nextY[i]!
        const R = w.radius[i]! + w.radius[j]!
        const d2 = dx * dx + dy * dy
        if (d2 >= R * R) continue
        const d = Math.sqrt(d2)
        // Unit normal from i to j; exactly coincident units part along x (deterministic).
        const nx = d < 1e-9 ? 1 : dx / d
        const ny = d < 1e-9 ? 0 : dy / d
        const push = (R - d) / 2
        s.nextX[i] = s.nextX[i]! - nx * push
        s.nextY[i] = s.nextY[i]! - ny * push
        s.nextX[j] = s.nextX[j]! + nx * push
        s.nextY[j] = s.nextY[j]! + ny * push
        constrain(w, s, i)
        constrain(w, s, j)
        moved = true
      }
    }
    if (!moved) break
  }
  for (let u = 0; u < n; u++) {
    if (s.alive[u] === 0) continue
    s.vx[u] = s.nextX[u]! - s.x[u]!
    s.vy[u] = s.nextY[u]! - s.y[u]!
    s.x[u] = s.nextX[u]!
    s.y[u] = s.nextY[u]!
  }
}

/** SL `take_damage`: shields absorb first, armor reduces each hit's hp damage. Returns hp + shield lost. */
export const takeHit = (w: World, s: EnvState, t: number, amount: number): number => {
  if (s.hp[t]! <= 0) return 0
  const type = w.types[t]!
  if (type.shield > 0) s.shieldDelay[t] = SHIELD_REGEN_DELAY_LOOPS
  const absorbed = Math.min(amount, s.shield[t]!)
  s.shield[t] = s.shield[t]! - absorbed
  const hpLoss = Math.max(0, Math.min(amount - absorbed - type.armor, s.hp[t]!))
  s.hp[t] = s.hp[t]! - hpLoss
  return absorbed + hpLoss
}

/** SL `deal_damage`: (damage + bonus vs armored) applied `attacks` times. */
export const attack = (w: World, s: EnvState, u: number, t: number): void => {
  const type = w.types[u]!
  const perHit = type.damage + (w.types[t]!.armored ? type.bonusVsArmored : 0)
  let lost = 0
  for (let k = 0; k < type.attacks; k++) lost += takeHit(w, s, t, perHit)
  if (t >= w.nAgents) s.damageDealt += lost
  else s.damageTaken += lost
  s.fired[u] = t
}

/** SL `Unit.heal`, one loop of it. */
export const heal = (w: World, s: EnvState, u: number, t: number): void => {
  const maxHp = w.types[t]!.hp
  if ((s.prevTarget[u] !== t && s.energy[u]! < HEAL_START_ENERGY) || s.hp[t]! >= maxHp) {
    if (u >= w.nAgents) s.target[u] = -1 // the enemy Medivac looks for another patient
    return
  }
  const wanted = Math.min(maxHp - s.hp[t]!, HEAL_PER_LOOP)
  if (s.healPool[u]! < wanted) {
    const spent = Math.min(1, s.energy[u]!)
    s.energy[u] = s.energy[u]! - spent
    s.healPool[u] = s.healPool[u]! + spent * HEAL_PER_ENERGY
  }
  const amount = Math.min(wanted, s.healPool[u]!)
  s.healPool[u] = s.healPool[u]! - amount
  s.hp[t] = s.hp[t]! + amount
  if (t >= w.nAgents) s.enemyRestored += amount
  if (amount > 0) s.fired[u] = t
}

/** Step 4 for one unit (SL `game_step` after the move). Each attack draws its random weapon delay from `stream`. */
const act = (w: World, s: EnvState, u: number, stream: Stream): void => {
  const type = w.types[u]!
  if (s.cooldown[u]! > 0) s.cooldown[u] = s.cooldown[u]! - 1
  if (type.shield > 0) {
    if (s.shieldDelay[u]! > 0) s.shieldDelay[u] = s.shieldDelay[u]! - 1
    if (s.shieldDelay[u] === 0 && s.shield[u]! < type.shield) {
      const gain = Math.min(SHIELD_REGEN_PER_LOOP, type.shield - s.shield[u]!)
      s.shield[u] = s.shield[u]! + gain
      if (u >= w.nAgents) s.enemyRestored += gain
    }
  }
  if (type.healer) s.energy[u] = Math.min(ENERGY_MAX, s.energy[u]! + ENERGY_REGEN_PER_LOOP)
  if (s.attacking[u] === 0) return
  const t = s.target[u]!
  if (type.healer) heal(w, s, u, t)
  else if (s.cooldown[u] === 0 && s.hp[t]! > 0) {
    // Weapon period plus SC2's random delay of −1..+2 loops (units.ts; smac-spec §1, SMAX).
    const delay = WEAPON_DELAY_MIN_LOOPS + stream.int(WEAPON_DELAY_MAX_LOOPS - WEAPON_DELAY_MIN_LOOPS + 1)
    s.cooldown[u] = type.cooldownLoops + delay
    attack(w, s, u, t)
  }
}

/** One game loop. `stream` is the environment's own stream (acting order, weapon delays). */
export const tick = (w: World, s: EnvState, stream: Stream): void => {
  updateTargets(w, s)
  prepareVelocities(w, s)
  steer(w, s)
  separate(w, s)
  // Step 4: living units act in a shuffled order (SL `random.shuffle`), so who shoots first in a
  // loop where two units could kill each other is decided by the seeded stream.
  let living = 0
  for (let u = 0; u < w.nUnits; u++) if (s.alive[u] === 1) s.actOrder[living++] = u
  for (let i = living - 1; i > 0; i--) {
    const j = stream.int(i + 1)
    const t = s.actOrder[i]!
    s.actOrder[i] = s.actOrder[j]!
    s.actOrder[j] = t
  }
  for (let i = 0; i < living; i++) {
    const u = s.actOrder[i]!
    if (s.hp[u]! > 0) act(w, s, u, stream)
  }
  // Step 5: deaths.
  for (let u = 0; u < w.nUnits; u++) {
    if (s.alive[u] === 1 && s.hp[u]! <= 0) {
      s.alive[u] = 0
      s.hp[u] = 0
      s.shield[u] = 0
      s.vx[u] = 0
      s.vy[u] = 0
      s.target[u] = -1
      s.order[u] = IDLE
    }
  }
}
