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
