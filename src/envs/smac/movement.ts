/**
 * Steps 2 and 3 of a SMAC-lite game loop (`./world.ts`): preferred velocities from the
 * commands, then collision avoidance per plane (`steer`, then `separate`) and the move itself.
 */
import { canTarget, dist2, type EnvState, inRange, isPathable, MOVE, type World } from "./state.ts"
import { ENEMY_SCAN_RANGE } from "./units.ts"

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
export const steer = (w: World, s: EnvState): void => {
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
