/**
 * Steps 2 and 3 of a SMAC-lite game loop (`./world.ts`): preferred velocities from the
 * commands, then collision avoidance per plane (`steer`, then `separate`) and the move itself.
 */
import { canStand, canTarget, collide, dist2, type EnvState, inRange, MOVE, wallOverlap, type World } from "./state.ts"
import { rimMoveAllowed } from "./terrain.ts"
import { waypoint } from "./pathing.ts"
import { ENEMY_SCAN_RANGE } from "./units.ts"

const via = { wx: 0, wy: 0 }

/**
 * Preferred velocity toward (gx, gy) at `speed`, stopping on arrival; a ground unit whose straight
 * way is blocked heads for the next cell of a grid path instead (`./pathing.ts`).
 */
const seek = (w: World, s: EnvState, u: number, gx: number, gy: number, speed: number): void => {
  const layer = w.layer[u]!
  if (layer !== 1 && !w.paths.open && speed > 0 && waypoint(w.paths, layer === 2, s.x[u]!, s.y[u]!, gx, gy, via)) {
    gx = via.wx
    gy = via.wy
  }
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

/** The living ally nearest to enemy u that u can attack (ties: lowest index), −1 if none. */
const nearestAlly = (w: World, s: EnvState, u: number): number => {
  let best = -1
  let bestD2 = Infinity
  for (let a = 0; a < w.nAgents; a++) {
    if (s.alive[a] === 0 || !canTarget(w, u, a)) continue
    const d2 = dist2(s, u, a)
    if (d2 < bestD2) {
      best = a
      bestD2 = d2
    }
  }
  return best
}

/** Step 2: preferred velocities; `attacking` marks units in range of their target (SL `AttackUnitCommand`). */
export const prepareVelocities = (w: World, s: EnvState): void => {
  for (let u = 0; u < w.nUnits; u++) {
    s.attacking[u] = 0
    s.prefX[u] = 0
    s.prefY[u] = 0
    if (s.alive[u] === 0) continue
    const speed = w.types[u]!.speedPerLoop
    const t = s.target[u]!
    if (t >= 0) {
      if (inRange(w, s, u, t) && canTarget(w, u, t)) s.attacking[u] = 1
      else seek(w, s, u, s.x[t]!, s.y[t]!, speed)
    } else if (u >= w.nAgents) {
      const v = w.types[u]!.healer ? healerSpeed(w, s, u) : speed
      const goal = w.map.attackPoint
      if (goal !== "allies") seek(w, s, u, goal.x, goal.y, v)
      else {
        const a = nearestAlly(w, s, u)
        if (a >= 0) seek(w, s, u, s.x[a]!, s.y[a]!, v)
      }
    } else if (s.order[u] === MOVE) {
      seek(w, s, u, s.goalX[u]!, s.goalY[u]!, speed)
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
export const steer = (w: World, s: EnvState): void => {
  const n = w.nUnits
  for (let i = 0; i < n; i++) {
    const px = s.prefX[i]!
    const py = s.prefY[i]!
    const speed2 = px * px + py * py
    if (s.alive[i] === 0 || speed2 === 0) continue
    let blocker = -1
    let firstContact = STEER_HORIZON_LOOPS
    for (let j = 0; j < n; j++) {
      if (j === i || s.alive[j] === 0 || !collide(w, i, j) || j === s.target[i]) continue
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

/**
 * Keep a unit's proposed position where it may stand (`canStand`), sliding along walls. On a map
 * with `wallContact: "body"` its body may not reach further over a wall either (`rimMoveAllowed`).
 */
const constrain = (w: World, s: EnvState, u: number): void => {
  const nx = s.nextX[u]!
  const ny = s.nextY[u]!
  const ox = s.x[u]!
  const oy = s.y[u]!
  if (allowed(w, u, ox, oy, nx, ny)) return
  if (allowed(w, u, ox, oy, nx, oy)) s.nextY[u] = oy
  else if (allowed(w, u, ox, oy, ox, ny)) s.nextX[u] = ox
  else {
    s.nextX[u] = ox
    s.nextY[u] = oy
  }
}

/**
 * Whether u may move from (ox, oy) to (x, y): `canStand` there, and on a "body" map a body that
 * is clear there (the common case, one lookup) or `rimMoveAllowed` from its rim at (ox, oy).
 */
const allowed = (w: World, u: number, ox: number, oy: number, x: number, y: number): boolean => {
  if (!canStand(w, u, x, y)) return false
  if (!w.bodiesOffWalls) return true
  const after = wallOverlap(w, u, x, y)
  return after === 0 || rimMoveAllowed(wallOverlap(w, u, ox, oy), after, x - ox, y - oy)
}

/**
 * Step 3b, separation (position-based dynamics): every unit proposes position + velocity; then a
 * few sweeps over same-plane pairs push overlapping discs apart along the line of centres, half
 * each. Pushes act along that line only, so two units can never pass through each other, and
 * overlaps left after the sweeps are tiny and are resolved on the next loop.
 */
export const separate = (w: World, s: EnvState): void => {
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
      for (let j = i + 1; j < n; j++) {
        if (s.alive[j] === 0 || !collide(w, i, j)) continue
        const dx = s.nextX[j]! - s.nextX[i]!
        const dy = s.nextY[j]! - s.nextY[i]!
        const R = w.radius[i]! + w.radius[j]!
        const d2 = dx * dx + dy * dy
        if (d2 >= R * R) continue
        const d = Math.sqrt(d2)
        // Unit normal from i to j; exactly coincident units part along x (deterministic).
        const nx = d < 1e-9 ? 1 : dx / d
        const ny = d < 1e-9 ? 0 : dy / d
        // Half each; a structure does not move, so the other unit takes the whole push.
        const fixedI = w.fixed[i] === 1
        const fixedJ = w.fixed[j] === 1
        const pushI = fixedI ? 0 : fixedJ ? R - d : (R - d) / 2
        const pushJ = fixedJ ? 0 : fixedI ? R - d : (R - d) / 2
        s.nextX[i] = s.nextX[i]! - nx * pushI
        s.nextY[i] = s.nextY[i]! - ny * pushI
        s.nextX[j] = s.nextX[j]! + nx * pushJ
        s.nextY[j] = s.nextY[j]! + ny * pushJ
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
