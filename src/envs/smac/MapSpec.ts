/**
 * Maps as data. A map is a JSON document checked by the `MapSpec` schema; the built-in maps
 * live beside this file in `maps/*.json`, and a user adds one by writing a file of the same
 * shape (docs/smac-lite.md, "Adding a map"). Every decoding error names the path of the bad
 * field, e.g. `at ["allies"]["units"][1]["type"]`.
 */
import { Effect, Result, Schema } from "effect"
import { MapInvalid, UnknownMap } from "./errors.ts"
import { groupsOf, placeGroup } from "./spawn.ts"
import { mayStandAt, pathingGrid, TERRAIN_CHARS } from "./terrain.ts"
import { UNIT_TYPE_NAMES, UNIT_TYPES, type UnitTypeName } from "./units.ts"
import map10mVs11m from "./maps/10m_vs_11m.json" with { type: "json" }
import map25m from "./maps/25m.json" with { type: "json" }
import map27mVs30m from "./maps/27m_vs_30m.json" with { type: "json" }
import map2mVs1z from "./maps/2m_vs_1z.json" with { type: "json" }
import map2s3z from "./maps/2s3z.json" with { type: "json" }
import map3m from "./maps/3m.json" with { type: "json" }
import map3s5z from "./maps/3s5z.json" with { type: "json" }
import map3s5zVs3s6z from "./maps/3s5z_vs_3s6z.json" with { type: "json" }
import map3sVs3z from "./maps/3s_vs_3z.json" with { type: "json" }
import map3sVs4z from "./maps/3s_vs_4z.json" with { type: "json" }
import map3sVs5z from "./maps/3s_vs_5z.json" with { type: "json" }
import map5mVs6m from "./maps/5m_vs_6m.json" with { type: "json" }
import map8m from "./maps/8m.json" with { type: "json" }
import map8mVs9m from "./maps/8m_vs_9m.json" with { type: "json" }
import mapMMM from "./maps/MMM.json" with { type: "json" }
import mapMMM2 from "./maps/MMM2.json" with { type: "json" }
import map1c3s5z from "./maps/1c3s5z.json" with { type: "json" }
import map2cVs64zg from "./maps/2c_vs_64zg.json" with { type: "json" }
import map2sVs1sc from "./maps/2s_vs_1sc.json" with { type: "json" }
import map6hVs8z from "./maps/6h_vs_8z.json" with { type: "json" }
import mapBaneVsBane from "./maps/bane_vs_bane.json" with { type: "json" }
import mapCorridor from "./maps/corridor.json" with { type: "json" }
import mapSoManyBaneling from "./maps/so_many_baneling.json" with { type: "json" }

const PositiveInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0)))
const NonNegativeInt = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))

const UnitTypeNameSchema = Schema.Literals(UNIT_TYPE_NAMES)

const Point = Schema.Struct({ x: Schema.Finite, y: Schema.Finite })

const Group = Schema.Struct({
  /** Centre of the spawn grid. */
  x: Schema.Finite,
  y: Schema.Finite,
  /** Unit types and counts, in spawn-grid order (SL `__place_group`). */
  units: Schema.NonEmptyArray(Schema.Struct({ type: UnitTypeNameSchema, count: PositiveInt }))
})

/** A side: one group, or several, each spawning its own grid around its own point (SL `groups`). */
const Side = Schema.Union([Group, Schema.NonEmptyArray(Group)])

/** A rectangle of whole pathable cells: x ∈ [x, x + width), y ∈ [y, y + height). */
const Rect = Schema.Struct({ x: NonNegativeInt, y: NonNegativeInt, width: PositiveInt, height: PositiveInt })

/** One id per unit type that appears; SMAC's one-hot `unit_type_bits` index. */
const TypeIds = Schema.Struct(
  Object.fromEntries(UNIT_TYPE_NAMES.map((n) => [n, Schema.optionalKey(NonNegativeInt)])) as {
    readonly [K in UnitTypeName]: Schema.optionalKey<typeof NonNegativeInt>
  }
)

export const MapSpec = Schema.Struct({
  name: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  /** Sources and choices, for people; ignored by the simulator. */
  notes: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Steps after which the episode ends without a result (SM `limit`). */
  episodeLimit: PositiveInt,
  /** Map size in cells (MAP `MapInfo`). */
  width: PositiveInt,
  height: PositiveInt,
  /**
   * Union of pathable rectangles; every other cell blocks ground units (MAP `t3CellFlags`).
   * A map gives either this or `terrain`.
   */
  pathable: Schema.optionalKey(Schema.NonEmptyArray(Rect)),
  /**
   * The map cell by cell, one string per row, the first row the top one (highest y), as in
   * SMAClite's `.slt` files: "_" ground every ground unit may walk, "C" cliff only cliff-walking
   * units (the Colossus) may stand on, "X" blocked for ground units. Air units fly everywhere.
   */
  terrain: Schema.optionalKey(Schema.NonEmptyArray(Schema.String)),
  /**
   * How a ground unit meets a wall or the map's edge. "centre" (the default, and every built-in
   * map): it may stand wherever its centre is on a cell it may stand on, so its body can reach
   * over a wall by up to its radius. "body": eight points of its disc's rim must be on such cells
   * too, as SMAClite's RVO2 obstacles keep bodies off walls (docs/smac-lite.md, Not done).
   */
  wallContact: Schema.optionalKey(Schema.Literals(["centre", "body"])),
  /**
   * Where the enemies attack-move to (MAP `gf_EnemyAttack`), or "allies": an attack order on the
   * allies' unit group, so that enemies with no target head for the nearest living ally.
   */
  attackPoint: Schema.Union([Point, Schema.Literal("allies")]),
  allies: Side,
  enemies: Side,
  /** Length of the unit-type one-hot in observations and state (SM `unit_type_bits`; 0 = none). */
  unitTypeBits: NonNegativeInt,
  /** Ally type ids: the one-hot index and SMAC's agent sort key (S2 `init_units`). */
  allyTypeIds: TypeIds,
  /** Enemy type ids for the one-hot (S2 `get_unit_type_id(…, ally=False)`). */
  enemyTypeIds: TypeIds
})
export type MapSpec = typeof MapSpec.Type

const formatIssue = (path: string, message: string): string => `${message}\n  at ${path}`

/** Rules that span fields, each reported at the path of the field to fix. */
const crossFieldIssues = (m: MapSpec): Array<string> => {
  const issues: Array<string> = []
  if ((m.pathable === undefined) === (m.terrain === undefined)) {
    issues.push(formatIssue(`["pathable"]`, "Give exactly one of `pathable` (rectangles) and `terrain` (rows of cells)"))
    return issues
  }
  m.pathable?.forEach((r, i) => {
    if (r.x + r.width > m.width || r.y + r.height > m.height) {
      issues.push(formatIssue(`["pathable"][${i}]`, `Rectangle reaches outside the ${m.width}×${m.height} map`))
    }
  })
  if (m.terrain !== undefined) {
    const before = issues.length
    if (m.terrain.length !== m.height) {
      issues.push(formatIssue(`["terrain"]`, `${m.terrain.length} rows for a map ${m.height} cells high`))
    }
    m.terrain.forEach((row, i) => {
      const bad = [...row].find((c) => !TERRAIN_CHARS.includes(c))
      if (row.length !== m.width) issues.push(formatIssue(`["terrain"][${i}]`, `${row.length} cells in a row of a map ${m.width} cells wide`))
      else if (bad !== undefined) issues.push(formatIssue(`["terrain"][${i}]`, `Unknown cell "${bad}": expected "_" (ground), "C" (cliff) or "X" (blocked)`))
    })
    if (issues.length > before) return issues // no grid to check the points against
  }
  const grid = pathingGrid(m)
  /** Whether a unit of this type (a plain ground unit if none) may stand at (x, y). */
  const canStand = (type: UnitTypeName | undefined, x: number, y: number): boolean => {
    const t = type === undefined ? undefined : UNIT_TYPES[type]
    return mayStandAt(grid, m.width, m.height, t?.air === true, t?.tall === true, x, y)
  }
  if (m.attackPoint !== "allies" && !canStand(undefined, m.attackPoint.x, m.attackPoint.y)) {
    issues.push(formatIssue(`["attackPoint"]`, `Point (${m.attackPoint.x}, ${m.attackPoint.y}) is not on a pathable cell`))
  }
  // Every unit of a spawn grid, not only its centre: a big group can reach off the pathable area.
  for (const [side, mirror] of [["allies", false], ["enemies", true]] as const) {
    const several = Array.isArray(m[side])
    groupsOf(m[side]).forEach((g, gi) => {
      const path = several ? `["${side}"][${gi}]` : `["${side}"]`
      if (!canStand(g.units[0]!.type, g.x, g.y)) {
        issues.push(formatIssue(path, `Point (${g.x}, ${g.y}) is not on a pathable cell`))
        return
      }
      const off = placeGroup(g, mirror).map((u, k) => ({ ...u, k })).filter((u) => !canStand(u.type, u.x, u.y))
      if (off.length > 0) {
        const shown = off.slice(0, 3).map((u) => `unit ${u.k} (${u.type}) at (${u.x.toFixed(2)}, ${u.y.toFixed(2)})`).join(", ")
        issues.push(formatIssue(path, `${off.length} unit(s) of the spawn grid would start off the pathable area: ${shown}${off.length > 3 ? ", …" : ""}; move the group point or make the area pathable`))
      }
    })
  }
  const sides = [["allies", "allyTypeIds"], ["enemies", "enemyTypeIds"]] as const
  for (const [side, idsKey] of sides) {
    const ids = m[idsKey]
    const needed = side === "allies" || m.unitTypeBits > 0
    for (const { type } of groupsOf(m[side]).flatMap((g) => g.units)) {
      const id = ids[type]
      if (id === undefined) {
        if (needed) issues.push(formatIssue(`["${idsKey}"]["${type}"]`, `Missing type id for ${type}, which is in ${side}`))
      } else if (m.unitTypeBits > 0 && id >= m.unitTypeBits) {
        issues.push(formatIssue(`["${idsKey}"]["${type}"]`, `Type id ${id} does not fit in unitTypeBits = ${m.unitTypeBits}`))
      }
    }
  }
  if (groupsOf(m.allies).every((g) => g.units.every((u) => u.type === "medivac"))) {
    issues.push(formatIssue(`["allies"]["units"]`, "Allies need at least one unit that is not a medivac"))
  }
  return issues
}

/** Decode unknown JSON as a map; `source` names it in errors (a file path or "built-in 2s3z"). */
export const decodeMapResult = (input: unknown, source: string): Result.Result<MapSpec, MapInvalid> => {
  const decoded = Schema.decodeUnknownResult(MapSpec)(input, { errors: "all", onExcessProperty: "error" })
  if (Result.isFailure(decoded)) return Result.fail(new MapInvalid({ source, issues: decoded.failure.message }))
  const issues = crossFieldIssues(decoded.success)
  return issues.length === 0 ? Result.succeed(decoded.success) : Result.fail(new MapInvalid({ source, issues: issues.join("\n") }))
}

/** Decode unknown JSON as a map, as an Effect. */
export const decodeMap = (input: unknown, source = "given as JSON"): Effect.Effect<MapSpec, MapInvalid> =>
  Effect.suspend(() => Effect.fromResult(decodeMapResult(input, source)))

const builtin = (json: unknown, name: string): MapSpec => {
  const r = decodeMapResult(json, `built-in ${name}`)
  if (Result.isFailure(r)) throw r.failure // a broken built-in map is a bug in this repository
  return r.success
}

/**
 * The maps shipped with SMAC-lite, by SMAC name (SMAC smac_maps.py): the paper's three, the
 * marine and stalker/zealot scenarios, then those with Colossi, Zerglings, Banelings, a Spine
 * Crawler and Hydralisks.
 */
export const BUILTIN_MAPS = {
  "2s3z": builtin(map2s3z, "2s3z"),
  "3s_vs_5z": builtin(map3sVs5z, "3s_vs_5z"),
  MMM2: builtin(mapMMM2, "MMM2"),
  "3m": builtin(map3m, "3m"),
  "8m": builtin(map8m, "8m"),
  "5m_vs_6m": builtin(map5mVs6m, "5m_vs_6m"),
  "25m": builtin(map25m, "25m"),
  "8m_vs_9m": builtin(map8mVs9m, "8m_vs_9m"),
  "10m_vs_11m": builtin(map10mVs11m, "10m_vs_11m"),
  "27m_vs_30m": builtin(map27mVs30m, "27m_vs_30m"),
  "2m_vs_1z": builtin(map2mVs1z, "2m_vs_1z"),
  "3s_vs_3z": builtin(map3sVs3z, "3s_vs_3z"),
  "3s_vs_4z": builtin(map3sVs4z, "3s_vs_4z"),
  MMM: builtin(mapMMM, "MMM"),
  "3s5z": builtin(map3s5z, "3s5z"),
  "3s5z_vs_3s6z": builtin(map3s5zVs3s6z, "3s5z_vs_3s6z"),
  "2c_vs_64zg": builtin(map2cVs64zg, "2c_vs_64zg"),
  "2s_vs_1sc": builtin(map2sVs1sc, "2s_vs_1sc"),
  bane_vs_bane: builtin(mapBaneVsBane, "bane_vs_bane"),
  corridor: builtin(mapCorridor, "corridor"),
  "6h_vs_8z": builtin(map6hVs8z, "6h_vs_8z"),
  so_many_baneling: builtin(mapSoManyBaneling, "so_many_baneling"),
  "1c3s5z": builtin(map1c3s5z, "1c3s5z")
} as const satisfies Record<string, MapSpec>
export type BuiltinMapName = keyof typeof BUILTIN_MAPS
export const BUILTIN_MAP_NAMES = Object.keys(BUILTIN_MAPS) as ReadonlyArray<BuiltinMapName>

const isBuiltin = (name: string): name is BuiltinMapName => Object.hasOwn(BUILTIN_MAPS, name)

/** A built-in map by name. */
export const loadMap = (name: string): Effect.Effect<MapSpec, UnknownMap> =>
  isBuiltin(name) ? Effect.succeed(BUILTIN_MAPS[name]) : Effect.fail(new UnknownMap({ name, known: BUILTIN_MAP_NAMES }))
