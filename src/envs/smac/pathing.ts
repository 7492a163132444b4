/**
 * Ground units find their way round walls and cliffs. SC2 moves units along paths it plans on its
 * pathing grid; SMAClite walks straight at the goal and slides along obstacles, which leaves a
 * unit stuck behind a wall between it and its goal (2c_vs_64zg's cliff, corridor's bends).
 *
 * Here a unit walks straight while nothing is in the way, as before. When a cell on the straight
 * segment to its goal is blocked and its travel distance on the grid exceeds the straight one by
 * more than `DETOUR_CELLS` (so a wall it would merely graze does not turn it), it steps instead toward the neighbouring cell that lies on a shortest grid path:
 * a distance field over the map's cells from the goal cell (Dijkstra, 8-connected, steps of 1 and
 * √2, no corner cutting), one per goal cell and unit class (ground, or cliff-walking), built on
 * first use and kept in the map's `World` (it depends only on the map). On a map without
 * obstacles between units and goals nothing changes.
 */
import { CLIFF, GROUND, standable } from "./terrain.ts"

/** How much longer than the straight line (in cells) the grid path must be before a unit detours. */
export const DETOUR_CELLS = 1.5

/** A map's fields, by `cls * cells + goalCell` (cls 0: ground units, 1: cliff-walkers). */
export type PathFields = Map<number, Float64Array>

const NEIGHBOURS: ReadonlyArray<readonly [number, number]> = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]]

/** Distance on the grid from every cell to `goal` for units that may stand on `passable` cells. */
const buildField = (grid: Uint8Array, width: number, height: number, tall: boolean, goal: number): Float64Array => {
  const n = width * height
  const passable = (c: number): boolean => standable(grid[c]!, tall)
  const dist = new Float64Array(n).fill(Infinity)
  const done = new Uint8Array(n)
  dist[goal] = 0
  // A binary heap of cells keyed by dist (ties: lower cell index first, for a fixed order).
  const heap: Array<number> = [goal]
  const less = (a: number, b: number): boolean => dist[a]! < dist[b]! || (dist[a] === dist[b] && a < b)
  const push = (c: number): void => {
    heap.push(c)
    let i = heap.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(heap[i]!, heap[p]!)) break
      ;[heap[i], heap[p]] = [heap[p]!, heap[i]!]
      i = p
    }
  }
  const pop = (): number => {
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
        i = m
      }
    }
    return top
  }
  while (heap.length > 0) {
    const c = pop()
    if (done[c] === 1) continue
    done[c] = 1
    const cx = c % width
    const cy = (c - cx) / width
    for (const [dx, dy] of NEIGHBOURS) {
      const x = cx + dx
      const y = cy + dy
      if (x < 0 || y < 0 || x >= width || y >= height) continue
      const nb = y * width + x
      if (!passable(nb)) continue
      // No corner cutting: a diagonal step needs both cells beside it.
      if (dx !== 0 && dy !== 0 && (!passable(cy * width + x) || !passable(y * width + cx))) continue
      const d = dist[c]! + (dx !== 0 && dy !== 0 ? Math.SQRT2 : 1)
      if (d < dist[nb]!) {
        dist[nb] = d
        push(nb)
      }
    }
  }
  return dist
}

/** What `waypoint` needs of the map. */
export interface PathMap {
  readonly grid: Uint8Array
  readonly width: number
  readonly height: number
  readonly fields: PathFields
  /**
   * The map's ground is one rectangle of GROUND cells (no cliff): every straight way between two
   * cells on it is clear, so no unit ever detours and `waypoint` need not be asked (every map
   * before the Zerg and Colossus ones, and 1c3s5z).
   */
  readonly open: boolean
}

export const makePathMap = (grid: Uint8Array, width: number, height: number): PathMap => {
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  let count = 0
  let cliff = false
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = grid[y * width + x]
      if (c === CLIFF) cliff = true
      if (c !== GROUND) continue
      count++
      x0 = Math.min(x0, x)
      y0 = Math.min(y0, y)
      x1 = Math.max(x1, x)
      y1 = Math.max(y1, y)
    }
  }
  const open = !cliff && count > 0 && count === (x1 - x0 + 1) * (y1 - y0 + 1)
  return { grid, width, height, fields: new Map(), open }
}

/**
 * Whether the segment from (x, y) to (gx, gy) crosses only cells the unit may stand on (a grid
 * walk over every cell it touches, Amanatides and Woo 1987).
 */
const clearWay = (m: PathMap, tall: boolean, x: number, y: number, gx: number, gy: number): boolean => {
  const { grid, width, height } = m
  let cx = Math.floor(x)
  let cy = Math.floor(y)
  const tx = Math.floor(gx)
  const ty = Math.floor(gy)
  const dx = gx - x
  const dy = gy - y
  const stepX = dx > 0 ? 1 : -1
  const stepY = dy > 0 ? 1 : -1
  const tDeltaX = dx !== 0 ? Math.abs(1 / dx) : Infinity
  const tDeltaY = dy !== 0 ? Math.abs(1 / dy) : Infinity
  let tMaxX = dx !== 0 ? (dx > 0 ? cx + 1 - x : x - cx) * tDeltaX : Infinity
  let tMaxY = dy !== 0 ? (dy > 0 ? cy + 1 - y : y - cy) * tDeltaY : Infinity
  for (let guard = 0; guard < width + height + 2; guard++) {
    if (cx < 0 || cy < 0 || cx >= width || cy >= height) return false
    if (!standable(grid[cy * width + cx]!, tall)) return false
    if (cx === tx && cy === ty) return true
    if (tMaxX < tMaxY) {
      tMaxX += tDeltaX
      cx += stepX
    } else {
      tMaxY += tDeltaY
      cy += stepY
    }
  }
  return true
}

/**
 * Where a ground unit at (x, y) heading for (gx, gy) should walk this loop: the goal itself when
 * the way is clear, else one cell's step from (x, y) toward the neighbouring cell nearest the goal
 * on the grid.
 * Returns false (walk straight) or writes the waypoint into `out` and returns true.
 */
export const waypoint = (m: PathMap, tall: boolean, x: number, y: number, gx: number, gy: number, out: { wx: number; wy: number }): boolean => {
  const { width, height } = m
  const cx = Math.floor(x)
  const cy = Math.floor(y)
  const tx = Math.min(width - 1, Math.max(0, Math.floor(gx)))
  const ty = Math.min(height - 1, Math.max(0, Math.floor(gy)))
  if (cx === tx && cy === ty) return false
  if (cx < 0 || cy < 0 || cx >= width || cy >= height) return false
  if (clearWay(m, tall, x, y, gx, gy)) return false
  const goal = ty * width + tx
  const key = (tall ? 1 : 0) * width * height + goal
  let field = m.fields.get(key)
  if (field === undefined) {
    field = buildField(m.grid, width, height, tall, goal)
    m.fields.set(key, field)
  }
  const here = field[cy * width + cx]!
  if (!Number.isFinite(here)) return false // no way there: walk straight and slide, as before
  const ax = Math.abs(tx - cx)
  const ay = Math.abs(ty - cy)
  const octile = Math.max(ax, ay) + (Math.SQRT2 - 1) * Math.min(ax, ay)
  if (here <= octile + DETOUR_CELLS) return false
  let best = -1
  let bestD = here
  for (let k = 0; k < NEIGHBOURS.length; k++) {
    const nx = cx + NEIGHBOURS[k]![0]
    const ny = cy + NEIGHBOURS[k]![1]
    if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue
    const d = field[ny * width + nx]!
    if (d < bestD) {
      best = k
      bestD = d
    }
  }
  if (best < 0) return false
  // Step in the direction of that cell, from where the unit is: units of one cell walk side by
  // side instead of all converging on the cell's centre.
  out.wx = x + NEIGHBOURS[best]![0]
  out.wy = y + NEIGHBOURS[best]![1]
  return true
}
