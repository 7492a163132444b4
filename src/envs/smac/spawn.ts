/**
 * Where units start, and in which order SMAC numbers the agents.
 *
 * SC2 places each group around its spawn point by engine-internal offsets that are not known
 * (smac-spec flag §7.6), so we use SMAClite's layout (SL `__place_group`): a ⌈√n⌉ × ⌈√n⌉ grid
 * filled row by row in the map's listing order, units touching with a 0.05 gap, centred on the
 * group point; the enemy grid is the point mirror of the same construction.
 * Agent order is SMAC's (S2 `init_units`): allies sorted by (type id, x, y).
 */
import type { MapSpec } from "./MapSpec.ts"
import { UNIT_TYPES, type UnitTypeName } from "./units.ts"

/** One spawn group: a point and the units around it. */
export interface Group {
  readonly x: number
  readonly y: number
  readonly units: ReadonlyArray<{ readonly type: UnitTypeName; readonly count: number }>
}

/** A side's groups: a map gives one group or a list of them. */
export const groupsOf = (side: Group | ReadonlyArray<Group>): ReadonlyArray<Group> =>
  "units" in side ? [side as Group] : (side as ReadonlyArray<Group>)

/** A group's units one by one, in its listing order. */
export const expandUnits = (group: Group): Array<UnitTypeName> =>
  group.units.flatMap(({ type, count }) => Array.from({ length: count }, () => type))

/** SL `GROUP_BUFFER`: gap between neighbouring units of a spawn grid. */
const GROUP_BUFFER = 0.05

export interface Placed {
  readonly type: UnitTypeName
  readonly x: number
  readonly y: number
}

/** SL `__place_group`; `mirror` for the enemy side. */
export const placeGroup = (group: Group, mirror: boolean): Array<Placed> => {
  const types = expandUnits(group)
  const side = Math.ceil(Math.sqrt(types.length))
  const rows: Array<Array<UnitTypeName>> = Array.from({ length: side }, (_, r) => types.slice(r * side, (r + 1) * side))
  const radius = (t: UnitTypeName): number => UNIT_TYPES[t].radius
  // Empty rows count in the height with radius 0, as in SL.
  const rowRadii = rows.map((row) => row.reduce((m, t) => Math.max(m, radius(t)), 0))
  const groupHeight = 2 * rowRadii.reduce((a, b) => a + b, 0) + (side - 1) * GROUP_BUFFER
  const groupWidth = rows.reduce((m, row) => Math.max(m, row.reduce((w, t) => w + 2 * radius(t), 0)), 0)
  const m = mirror ? -1 : 1
  const x0 = group.x - (m * groupWidth) / 2
  let y = group.y - (m * groupHeight) / 2
  let prevRowRadius = 0
  const placed: Array<Placed> = []
  rows.forEach((row, i) => {
    let x = x0
    y += m * (prevRowRadius + rowRadii[i]!)
    prevRowRadius = rowRadii[i]!
    let prevRadius = 0
    for (const t of row) {
      x += m * (prevRadius + radius(t))
      prevRadius = radius(t)
      placed.push({ type: t, x, y })
      x += m * GROUP_BUFFER
    }
    y += m * GROUP_BUFFER
  })
  return placed
}

/** A side's units, group after group in the map's listing order (SL places its groups in turn). */
export const placeSide = (side: Group | ReadonlyArray<Group>, mirror: boolean): Array<Placed> =>
  groupsOf(side).flatMap((g) => placeGroup(g, mirror))

/** Allies in SMAC's agent order: by (type id, x, y) (S2 `init_units`). */
export const allyOrder = (map: MapSpec, allies: ReadonlyArray<Placed>): Array<Placed> => {
  const id = (t: UnitTypeName): number => map.allyTypeIds[t]!
  return [...allies].sort((a, b) => id(a.type) - id(b.type) || a.x - b.x || a.y - b.y)
}
