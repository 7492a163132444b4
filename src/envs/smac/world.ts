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
 *      splash (Baneling burst, Colossus line) hits every enemy ground unit it touches;
 *   5. units at 0 hp die.
 * All state lives in the `EnvState` passed in; `World` is the map's read-only unit table
 * (both in `./state.ts`); steps 2 and 3 are `./movement.ts`.
 */
import type { Stream } from "../../rng/Rng.ts"
import { prepareVelocities, separate, steer } from "./movement.ts"
import { ATTACK, canTarget, dist2, type EnvState, IDLE, inRange, priority, type World } from "./state.ts"
import { ENERGY_MAX, ENERGY_REGEN_PER_LOOP, HEAL_PER_ENERGY, HEAL_PER_LOOP, HEAL_START_ENERGY, SHIELD_REGEN_DELAY_LOOPS, SHIELD_REGEN_PER_LOOP, WEAPON_DELAY_MAX_LOOPS, WEAPON_DELAY_MIN_LOOPS } from "./units.ts"

/**
 * SL `__pick_target_damage`: among allies u can hit that are within scan range (+ their radius)
 * or are attacking u, the one with the least (priority, distance). Allies attacking u from beyond
 * SL's query radius enter at distance 2e9 (retaliation). Ties: lowest index. −1 if none.
 */
const pickDamageTarget = (w: World, s: EnvState, u: number, retaliate: boolean): number => {
  const scan = w.types[u]!.scanRange
  const queryRadius = scan + w.maxRadius
  let best = -1
  let bestPriority = 2
  let bestDistance = Infinity
  for (let a = 0; a < w.nAgents; a++) {
    if (s.alive[a] === 0 || !canTarget(w, u, a)) continue
    const d = Math.sqrt(dist2(s, u, a))
    const attackingMe = s.target[a] === u
    let key: number
    if (d < queryRadius && (d < scan + w.radius[a]! || attackingMe)) key = d
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
    if (Math.sqrt(dist2(s, u, t)) >= w.types[u]!.scanRange + w.radius[t]!) continue
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

/** SL `deal_damage`: (damage + bonuses) applied `attacks` times to t. Returns hp + shield lost. */
const damage = (w: World, s: EnvState, u: number, t: number): number => {
  const type = w.types[u]!
  const target = w.types[t]!
  const perHit = type.damage + (target.armored ? type.bonusVsArmored : 0) + (target.light ? type.bonusVsLight : 0)
  let lost = 0
  for (let k = 0; k < type.attacks; k++) lost += takeHit(w, s, t, perHit)
  return lost
}

/** Whether unit v's disc touches the circle of `radius` around (cx, cy). */
const touchesCircle = (w: World, s: EnvState, v: number, cx: number, cy: number, radius: number): boolean => {
  const r = radius + w.radius[v]!
  const dx = s.x[v]! - cx
  const dy = s.y[v]! - cy
  return dx * dx + dy * dy <= r * r
}

/**
 * Whether v's disc touches the `width` × `depth` rectangle centred on t, its long side across
 * the line of fire (unit direction (fx, fy)) (SL `LaserBeamTargeter`: distance from v's centre to
 * the rectangle ≤ v's radius).
 */
const touchesLine = (w: World, s: EnvState, t: number, fx: number, fy: number, v: number, width: number, depth: number): boolean => {
  const px = s.x[v]! - s.x[t]!
  const py = s.y[v]! - s.y[t]!
  const along = Math.max(0, Math.abs(px * fx + py * fy) - depth / 2) // along the line of fire
  const across = Math.max(0, Math.abs(-px * fy + py * fx) - width / 2)
  return along * along + across * across <= w.radius[v]! * w.radius[v]!
}

/**
 * An attack of u on t (SL `targeter.target`): the target alone, or with splash every living enemy
 * ground unit the burst or line touches, t included. A Baneling's burst kills it. Totals go to the
 * episode's damage counters.
 */
export const attack = (w: World, s: EnvState, u: number, t: number): void => {
  const splash = w.types[u]!.splash
  let lost = 0
  if (splash.kind === "single") lost = damage(w, s, u, t)
  else {
    const enemyOfU = u < w.nAgents
    const from = enemyOfU ? w.nAgents : 0
    const to = enemyOfU ? w.nUnits : w.nAgents
    // The line of fire, u to t, as a unit vector (along x if they coincide).
    const fdx = s.x[t]! - s.x[u]!
    const fdy = s.y[t]! - s.y[u]!
    const f = Math.sqrt(fdx * fdx + fdy * fdy)
    const fx = f < 1e-9 ? 1 : fdx / f
    const fy = f < 1e-9 ? 0 : fdy / f
    for (let v = from; v < to; v++) {
      if (s.alive[v] === 0 || s.hp[v]! <= 0 || w.types[v]!.air) continue
      const hit = splash.kind === "burst"
        ? touchesCircle(w, s, v, s.x[u]!, s.y[u]!, splash.radius)
        : touchesLine(w, s, t, fx, fy, v, splash.width, splash.depth)
      if (hit) lost += damage(w, s, u, v)
    }
    if (splash.kind === "burst") {
      // Volatile Burst: the Baneling dies with its attack (SL `KamikazeTargeter`: origin.hp = 0).
      const own = s.hp[u]! + s.shield[u]!
      s.hp[u] = 0
      if (u >= w.nAgents) s.damageDealt += own
      else s.damageTaken += own
    }
  }
  if (t >= w.nAgents) s.damageDealt += lost
  else s.damageTaken += lost
  s.fired[u] = t
}

/** SL `Unit.heal`, one loop of it, except that the dead are not healed. */
export const heal = (w: World, s: EnvState, u: number, t: number): void => {
  const maxHp = w.types[t]!.hp
  // A patient killed earlier in this loop (hp 0, removed in step 5) is dead: SC2 removes a unit
  // when its life reaches 0, and S2 counts health 0 as dead. SMAClite's `heal` lacks this check,
  // so there a Medivac acting after the killer revives the unit (issue 18: 7.3 times per MMM
  // focus-fire episode there, 11.4 here before this check).
  if ((s.prevTarget[u] !== t && s.energy[u]! < HEAL_START_ENERGY) || s.hp[t]! >= maxHp || s.hp[t]! <= 0) {
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
  if (type.hpRegenPerLoop > 0 && s.hp[u]! < type.hp) {
    // Zerg life regeneration (SL `hp_regen`), paid for by S2's |Δ health| reward like shield regen.
    const gain = Math.min(type.hpRegenPerLoop, type.hp - s.hp[u]!)
    s.hp[u] = s.hp[u]! + gain
    if (u >= w.nAgents) s.enemyRestored += gain
  }
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
