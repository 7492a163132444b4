/**
 * The data of a SMAC-lite battle: the map's read-only unit table (`World`), everything that
 * changes during an episode (`EnvState`), and the geometric predicates the game loop
 * (`./world.ts`) and the movement (`./movement.ts`) share.
 */
import type { RngState } from "../../rng/Rng.ts"
import type { MapSpec } from "./MapSpec.ts"
import { allyOrder, placeSide, type Placed } from "./spawn.ts"
import { makePathMap, type PathMap } from "./pathing.ts"
import { interiorCells, mayStandAt, pathingGrid, rimOffGround } from "./terrain.ts"
import { ENERGY_START, UNIT_TYPES, type UnitType } from "./units.ts"


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
  /** Cells, row-major: `pathable[floor(y) * width + floor(x)]` is BLOCKED, GROUND or CLIFF (`./terrain.ts`). */
  readonly pathable: Uint8Array
  /** Distance fields for ground units' detours, built on first use (`./pathing.ts`); they depend on the map only. */
  readonly paths: PathMap
  /** Collision layer per unit: 0 ground, 1 air, 2 tall ground (the Colossus); units collide within a layer. [U] */
  readonly layer: Uint8Array
  /** 1 for a structure (never moves, never pushed). [U] */
  readonly fixed: Uint8Array
  /** The map's `wallContact` is "body": a ground unit's disc, not only its centre, stays off walls (`./movement.ts`). */
  readonly bodiesOffWalls: boolean
  /** `interiorCells` of `pathable` on a "body" map (empty otherwise): cells where no rim check is needed. */
  readonly interior: Uint8Array
}

export const makeWorld = (map: MapSpec): World => {
  const allies = allyOrder(map, placeSide(map.allies, false))
  const enemies = placeSide(map.enemies, true)
  const spawn = [...allies, ...enemies]
  const types = spawn.map((p) => UNIT_TYPES[p.type])
  const pathable = pathingGrid(map)
  const paths = makePathMap(pathable, map.width, map.height)
  return {
    map,
    nAgents: allies.length,
    nEnemies: enemies.length,
    nUnits: spawn.length,
    types,
    spawn,
    radius: Float64Array.from(types, (t) => t.radius),
    maxRadius: Math.max(...types.map((t) => t.radius)),
    pathable,
    paths,
    layer: Uint8Array.from(types, (t) => (t.air ? 1 : t.tall ? 2 : 0)),
    fixed: Uint8Array.from(types, (t) => (t.structure ? 1 : 0)),
    bodiesOffWalls: map.wallContact === "body",
    interior: map.wallContact === "body" ? interiorCells(pathable, map.width, map.height) : new Uint8Array(0)
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

/** Whether unit u may stand at (x, y): air inside the map, a cliff-walker on ground or cliff, others on ground. */
export const canStand = (w: World, u: number, x: number, y: number): boolean =>
  mayStandAt(w.pathable, w.map.width, w.map.height, w.layer[u] === 1, w.layer[u] === 2, x, y)

/** The rim points of u's disc at (x, y) over a wall or the map's edge, a bit mask (`rimOffGround` in `./terrain.ts`). */
export const wallOverlap = (w: World, u: number, x: number, y: number): number => {
  const layer = w.layer[u]!
  if (layer === 1) return 0 // air
  const r = w.radius[u]!
  const { width, height } = w.map
  if (r <= 1 && x >= 0 && y >= 0 && x < width && y < height && (w.interior[Math.floor(y) * width + Math.floor(x)]! & (layer === 2 ? 2 : 1)) !== 0) return 0
  return rimOffGround(w.pathable, width, height, false, layer === 2, x, y, r)
}

/** Whether units a and b push each other: same plane, and a tall unit only with tall ones (it walks over the rest). */
export const collide = (w: World, a: number, b: number): boolean => w.layer[a] === w.layer[b]

export const dist2 = (s: EnvState, a: number, b: number): number => {
  const dx = s.x[b]! - s.x[a]!
  const dy = s.y[b]! - s.y[a]!
  return dx * dx + dy * dy
}

/** SL `has_within_attack_range`: centre distance ≤ range + both radii. */
export const inRange = (w: World, s: EnvState, u: number, t: number): boolean => {
  const r = w.types[u]!.range + w.radius[u]! + w.radius[t]!
  return dist2(s, u, t) <= r * r
}

/** Whether u's weapon (or heal) can reach t's plane (SL `valid_targets`). */
export const canTarget = (w: World, u: number, t: number): boolean =>
  w.types[t]!.air ? w.types[u]!.targetsAir : w.types[u]!.targetsGround

/** SL `CombatType.priority`: healers sort first (0), damage dealers after (1). */
export const priority = (w: World, t: number): number => (w.types[t]!.healer ? 0 : 1)
