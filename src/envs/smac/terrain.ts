/**
 * A map's ground as a grid of cells: where ground units may stand, where only cliff-walking units
 * (the Colossus) may, and where none may. Built once per map from either of the map's two forms,
 * `pathable` rectangles or `terrain` rows (`./MapSpec.ts`). Air units ignore it (inside the map).
 */

/** No ground unit may stand here. */
export const BLOCKED = 0
/** Every ground unit may stand here. */
export const GROUND = 1
/** Only cliff-walking units may stand here (SC2's Colossus walks up and down cliffs). */
export const CLIFF = 2

/** The cell characters of a map's `terrain` rows, as in SMAClite's `.slt` files. */
export const TERRAIN_CHARS: ReadonlyArray<string> = ["X", "_", "C"]

/** Whether a cell takes a ground unit: ground always, a cliff only for a cliff-walker (`tall`). */
export const standable = (cell: number, tall: boolean): boolean => cell === GROUND || (tall && cell === CLIFF)

/**
 * Whether a unit may stand at (x, y) of a `pathingGrid`: an air unit anywhere inside the map, a
 * ground unit on a `standable` cell. One rule for the map schema's spawn checks and the game loop.
 */
export const mayStandAt = (grid: Uint8Array, width: number, height: number, air: boolean, tall: boolean, x: number, y: number): boolean => {
  if (x < 0 || y < 0 || x >= width || y >= height) return false
  return air || standable(grid[Math.floor(y) * width + Math.floor(x)]!, tall)
}

/** The eight points of a unit's disc that `rimOffGround` checks: unit vectors at multiples of 45°. */
const DISC_X = [1, Math.SQRT1_2, 0, -Math.SQRT1_2, -1, -Math.SQRT1_2, 0, Math.SQRT1_2] as const
const DISC_Y = [0, Math.SQRT1_2, 1, Math.SQRT1_2, 0, -Math.SQRT1_2, -1, -Math.SQRT1_2] as const

/**
 * Which of eight points on the rim of a ground unit's disc (radius r, centre (x, y)) lie where it
 * may not stand, as a bit mask (bit k: the point at k · 45° from east): 0 when its body is clear
 * of walls and the map's edge. Air units: always 0.
 */
export const rimOffGround = (grid: Uint8Array, width: number, height: number, air: boolean, tall: boolean, x: number, y: number, r: number): number => {
  if (air) return 0
  let mask = 0
  for (let k = 0; k < 8; k++) if (!mayStandAt(grid, width, height, false, tall, x + r * DISC_X[k]!, y + r * DISC_Y[k]!)) mask |= 1 << k
  return mask
}

/**
 * Per cell, whether a disc of radius ≤ 1 centred anywhere in it is clear of walls: bit 0 when the
 * cell and its eight neighbours take a ground unit, bit 1 when they take a cliff-walker. The fast
 * path of a "body" map's rim check (`./state.ts` `wallOverlap`): most units stand in such cells.
 */
export const interiorCells = (grid: Uint8Array, width: number, height: number): Uint8Array => {
  const out = new Uint8Array(width * height)
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let ground = 1
      let tall = 2
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const c = grid[(y + dy) * width + x + dx]!
          if (!standable(c, false)) ground = 0
          if (!standable(c, true)) tall = 0
        }
      }
      out[y * width + x] = ground | tall
    }
  }
  return out
}

/**
 * Whether a move by (dx, dy) from a disc with rim mask `before` to one with mask `after` keeps
 * the body from reaching further over a wall. A clear body (`before` 0) must stay clear. One that
 * starts over a wall (a spawn grid beside one) may not add rim points off the ground, nor move
 * toward one that is off: east for the east point, north-east (both components) for the
 * north-east one; so it may slide along the wall or step off it.
 */
export const rimMoveAllowed = (before: number, after: number, dx: number, dy: number): boolean => {
  if (after === 0) return true
  if ((after & ~before) !== 0) return false
  for (let k = 0; k < 8; k++) {
    if ((after & (1 << k)) === 0) continue
    if ((DISC_X[k] === 0 || dx * DISC_X[k]! > 0) && (DISC_Y[k] === 0 || dy * DISC_Y[k]! > 0)) return false
  }
  return true
}

/** What `pathingGrid` reads: the map's size and one of its two ground forms. */
export interface GroundSpec {
  readonly width: number
  readonly height: number
  readonly pathable?: ReadonlyArray<{ readonly x: number; readonly y: number; readonly width: number; readonly height: number }>
  readonly terrain?: ReadonlyArray<string>
}

/**
 * Cells row-major from the bottom row: `grid[floor(y) * width + floor(x)]` is BLOCKED, GROUND or
 * CLIFF. `terrain[0]` is the top row (y = height − 1), as SMAClite reads its files (reversed).
 */
export const pathingGrid = (m: GroundSpec): Uint8Array => {
  const grid = new Uint8Array(m.width * m.height)
  for (const r of m.pathable ?? []) {
    for (let y = r.y; y < r.y + r.height; y++) grid.fill(GROUND, y * m.width + r.x, y * m.width + r.x + r.width)
  }
  m.terrain?.forEach((row, i) => {
    const y = m.height - 1 - i
    for (let x = 0; x < m.width; x++) grid[y * m.width + x] = TERRAIN_CHARS.indexOf(row[x] ?? "X")
  })
  return grid
}
