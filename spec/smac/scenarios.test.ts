/**
 * SMAC's scenarios after the paper's three (issue 18): each map's composition and episode
 * limit as SMAC's smac_maps.py registers them, and the interface sizes worked out by hand from
 * S2's formulas, with S2's defaults (obs_all_health and obs_own_health on, obs_last_action off,
 * state_last_action on):
 *
 *   n_actions = 6 + n_enemies                                       (S2 __init__)
 *   obs   = 4 move + n_enemies × (4 + bits + 1 hp + shield_enemy)   (S2 get_obs_size)
 *         + (n_agents − 1) × (4 + bits + 1 hp + shield_ally)
 *         + own (bits + 1 hp + shield_ally)
 *   obs with last action: each ally block grows by n_actions
 *   state = n_agents × (4 + shield_ally + bits)                     (S2 get_state_size)
 *         + n_enemies × (3 + shield_enemy + bits)
 *         + n_agents × n_actions                                    (last actions)
 *
 * shield_ally = 1 when a_race is "P", shield_enemy = 1 when b_race is "P" (S2 __init__).
 * max_reward = n_enemies × 10 + 200 + Σ enemy (hp + shield) (S2 __init__ and init_units), with
 * hp + shield per unit from smac-spec §1: marine 45, marauder 125, medivac 150, zealot 100 + 50,
 * stalker 80 + 80; and for the Zerg and Colossus maps from SC2's unit data (the maps' UnitData.xml
 * and SC2's stock units): zergling 35, baneling 30, spine crawler 300, colossus 200 + 150.
 */
import { describe, expect, it } from "vitest"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS, type BuiltinMapName } from "../../src/envs/smac/MapSpec.ts"
import type { UnitTypeName } from "../../src/envs/smac/units.ts"
import { streamState } from "../../src/rng/Rng.ts"

interface Expected {
  readonly name: BuiltinMapName
  /** smac_maps.py `limit`. */
  readonly limit: number
  /** smac_maps.py `unit_type_bits`. */
  readonly bits: number
  /** Agents in SMAC's order (S2 init_units sorts by type id, then x, y). */
  readonly agents: ReadonlyArray<UnitTypeName>
  readonly nEnemies: number
  readonly nActions: number
  readonly obs: number
  readonly obsLast: number
  readonly state: number
  readonly maxReward: number
}

const n = (count: number, t: UnitTypeName): Array<UnitTypeName> => Array(count).fill(t)

const MARINE = 45
const MARAUDER = 125
const MEDIVAC = 150
const ZEALOT = 100 + 50
const STALKER = 80 + 80
const ZERGLING = 35
const BANELING = 30
const SPINE_CRAWLER = 300
const COLOSSUS = 200 + 150

const expected: ReadonlyArray<Expected> = [
  {
    // 25 marines vs 25 marines; T vs T: no shields, no type bits.
    name: "25m", limit: 150, bits: 0, agents: n(25, "marine"), nEnemies: 25,
    nActions: 6 + 25, // = 31
    obs: 4 + 25 * (4 + 1) + 24 * (4 + 1) + 1, // = 250
    obsLast: 4 + 25 * (4 + 1) + 24 * (4 + 1 + 31) + 1, // = 994
    state: 25 * 4 + 25 * 3 + 25 * 31, // = 950
    maxReward: 25 * 10 + 200 + 25 * MARINE // = 1575
  },
  {
    name: "8m_vs_9m", limit: 120, bits: 0, agents: n(8, "marine"), nEnemies: 9,
    nActions: 6 + 9, // = 15
    obs: 4 + 9 * (4 + 1) + 7 * (4 + 1) + 1, // = 85
    obsLast: 4 + 9 * (4 + 1) + 7 * (4 + 1 + 15) + 1, // = 190
    state: 8 * 4 + 9 * 3 + 8 * 15, // = 179
    maxReward: 9 * 10 + 200 + 9 * MARINE // = 695
  },
  {
    name: "10m_vs_11m", limit: 150, bits: 0, agents: n(10, "marine"), nEnemies: 11,
    nActions: 6 + 11, // = 17
    obs: 4 + 11 * (4 + 1) + 9 * (4 + 1) + 1, // = 105
    obsLast: 4 + 11 * (4 + 1) + 9 * (4 + 1 + 17) + 1, // = 258
    state: 10 * 4 + 11 * 3 + 10 * 17, // = 243
    maxReward: 11 * 10 + 200 + 11 * MARINE // = 805
  },
  {
    name: "27m_vs_30m", limit: 180, bits: 0, agents: n(27, "marine"), nEnemies: 30,
    nActions: 6 + 30, // = 36
    obs: 4 + 30 * (4 + 1) + 26 * (4 + 1) + 1, // = 285
    obsLast: 4 + 30 * (4 + 1) + 26 * (4 + 1 + 36) + 1, // = 1221
    state: 27 * 4 + 30 * 3 + 27 * 36, // = 1170
    maxReward: 30 * 10 + 200 + 30 * MARINE // = 1850
  },
  {
    // T vs P: the zealot has a shield feature, the marines none.
    name: "2m_vs_1z", limit: 150, bits: 0, agents: n(2, "marine"), nEnemies: 1,
    nActions: 6 + 1, // = 7
    obs: 4 + 1 * (4 + 1 + 1) + 1 * (4 + 1) + 1, // = 16
    obsLast: 4 + 1 * (4 + 1 + 1) + 1 * (4 + 1 + 7) + 1, // = 23
    state: 2 * 4 + 1 * (3 + 1) + 2 * 7, // = 26
    maxReward: 1 * 10 + 200 + ZEALOT // = 360
  },
  {
    // P vs P: shields on both sides, no type bits.
    name: "3s_vs_3z", limit: 150, bits: 0, agents: n(3, "stalker"), nEnemies: 3,
    nActions: 6 + 3, // = 9
    obs: 4 + 3 * (4 + 1 + 1) + 2 * (4 + 1 + 1) + (1 + 1), // = 36
    obsLast: 4 + 3 * (4 + 1 + 1) + 2 * (4 + 1 + 1 + 9) + (1 + 1), // = 54
    state: 3 * (4 + 1) + 3 * (3 + 1) + 3 * 9, // = 54
    maxReward: 3 * 10 + 200 + 3 * ZEALOT // = 680
  },
  {
    name: "3s_vs_4z", limit: 200, bits: 0, agents: n(3, "stalker"), nEnemies: 4,
    nActions: 6 + 4, // = 10
    obs: 4 + 4 * (4 + 1 + 1) + 2 * (4 + 1 + 1) + (1 + 1), // = 42
    obsLast: 4 + 4 * (4 + 1 + 1) + 2 * (4 + 1 + 1 + 10) + (1 + 1), // = 62
    state: 3 * (4 + 1) + 4 * (3 + 1) + 3 * 10, // = 61
    maxReward: 4 * 10 + 200 + 4 * ZEALOT // = 840
  },
  {
    // T vs T with 3 type bits; agents sorted marauder < marine < medivac (S2 _init_ally_unit_types).
    name: "MMM", limit: 150, bits: 3, agents: [...n(2, "marauder"), ...n(7, "marine"), "medivac"], nEnemies: 10,
    nActions: 6 + 10, // = 16
    obs: 4 + 10 * (4 + 3 + 1) + 9 * (4 + 3 + 1) + (3 + 1), // = 160
    obsLast: 4 + 10 * (4 + 3 + 1) + 9 * (4 + 3 + 1 + 16) + (3 + 1), // = 304
    state: 10 * (4 + 3) + 10 * (3 + 3) + 10 * 16, // = 290
    maxReward: 10 * 10 + 200 + MEDIVAC + 2 * MARAUDER + 7 * MARINE // = 1015
  },
  {
    // P vs P with 2 type bits; agents sorted stalker < zealot.
    name: "3s5z", limit: 150, bits: 2, agents: [...n(3, "stalker"), ...n(5, "zealot")], nEnemies: 8,
    nActions: 6 + 8, // = 14
    obs: 4 + 8 * (4 + 2 + 1 + 1) + 7 * (4 + 2 + 1 + 1) + (2 + 1 + 1), // = 128
    obsLast: 4 + 8 * (4 + 2 + 1 + 1) + 7 * (4 + 2 + 1 + 1 + 14) + (2 + 1 + 1), // = 226
    state: 8 * (4 + 1 + 2) + 8 * (3 + 1 + 2) + 8 * 14, // = 216
    maxReward: 8 * 10 + 200 + 3 * STALKER + 5 * ZEALOT // = 1510
  },
  {
    name: "3s5z_vs_3s6z", limit: 170, bits: 2, agents: [...n(3, "stalker"), ...n(5, "zealot")], nEnemies: 9,
    nActions: 6 + 9, // = 15
    obs: 4 + 9 * (4 + 2 + 1 + 1) + 7 * (4 + 2 + 1 + 1) + (2 + 1 + 1), // = 136
    obsLast: 4 + 9 * (4 + 2 + 1 + 1) + 7 * (4 + 2 + 1 + 1 + 15) + (2 + 1 + 1), // = 241
    state: 8 * (4 + 1 + 2) + 9 * (3 + 1 + 2) + 8 * 15, // = 230
    maxReward: 9 * 10 + 200 + 3 * STALKER + 6 * ZEALOT // = 1670
  },
  // The scenarios with new unit types (smac_maps.py; races from a_race/b_race).
  {
    // P vs Z: ally shield feature only; no type bits.
    name: "2c_vs_64zg", limit: 400, bits: 0, agents: n(2, "colossus"), nEnemies: 64,
    nActions: 6 + 64, // = 70
    obs: 4 + 64 * (4 + 1) + 1 * (4 + 1 + 1) + (1 + 1), // = 332
    obsLast: 4 + 64 * (4 + 1) + 1 * (4 + 1 + 1 + 70) + (1 + 1), // = 402
    state: 2 * (4 + 1) + 64 * 3 + 2 * 70, // = 342
    maxReward: 64 * 10 + 200 + 64 * ZERGLING // = 3080
  },
  {
    name: "2s_vs_1sc", limit: 300, bits: 0, agents: n(2, "stalker"), nEnemies: 1,
    nActions: 6 + 1, // = 7
    obs: 4 + 1 * (4 + 1) + 1 * (4 + 1 + 1) + (1 + 1), // = 17
    obsLast: 4 + 1 * (4 + 1) + 1 * (4 + 1 + 1 + 7) + (1 + 1), // = 24
    state: 2 * (4 + 1) + 1 * 3 + 2 * 7, // = 27
    maxReward: 1 * 10 + 200 + SPINE_CRAWLER // = 510
  },
  {
    // Z vs Z with 2 type bits: baneling 0, zergling 1, so the 4 banelings are agents 0–3.
    name: "bane_vs_bane", limit: 200, bits: 2, agents: [...n(4, "baneling"), ...n(20, "zergling")], nEnemies: 24,
    nActions: 6 + 24, // = 30
    obs: 4 + 24 * (4 + 2 + 1) + 23 * (4 + 2 + 1) + (2 + 1), // = 336
    obsLast: 4 + 24 * (4 + 2 + 1) + 23 * (4 + 2 + 1 + 30) + (2 + 1), // = 1026
    state: 24 * (4 + 2) + 24 * (3 + 2) + 24 * 30, // = 984
    maxReward: 24 * 10 + 200 + 20 * ZERGLING + 4 * BANELING // = 1260
  },
  {
    name: "corridor", limit: 400, bits: 0, agents: n(6, "zealot"), nEnemies: 24,
    nActions: 6 + 24, // = 30
    obs: 4 + 24 * (4 + 1) + 5 * (4 + 1 + 1) + (1 + 1), // = 156
    obsLast: 4 + 24 * (4 + 1) + 5 * (4 + 1 + 1 + 30) + (1 + 1), // = 306
    state: 6 * (4 + 1) + 24 * 3 + 6 * 30, // = 282
    maxReward: 24 * 10 + 200 + 24 * ZERGLING // = 1280
  },
  {
    // Z vs P: only the enemy has a shield feature.
    name: "6h_vs_8z", limit: 150, bits: 0, agents: n(6, "hydralisk"), nEnemies: 8,
    nActions: 6 + 8, // = 14
    obs: 4 + 8 * (4 + 1 + 1) + 5 * (4 + 1) + 1, // = 78
    obsLast: 4 + 8 * (4 + 1 + 1) + 5 * (4 + 1 + 14) + 1, // = 148
    state: 6 * 4 + 8 * (3 + 1) + 6 * 14, // = 140
    maxReward: 8 * 10 + 200 + 8 * ZEALOT // = 1480
  },
  {
    name: "so_many_baneling", limit: 100, bits: 0, agents: n(7, "zealot"), nEnemies: 32,
    nActions: 6 + 32, // = 38
    obs: 4 + 32 * (4 + 1) + 6 * (4 + 1 + 1) + (1 + 1), // = 202
    obsLast: 4 + 32 * (4 + 1) + 6 * (4 + 1 + 1 + 38) + (1 + 1), // = 430
    state: 7 * (4 + 1) + 32 * 3 + 7 * 38, // = 397
    maxReward: 32 * 10 + 200 + 32 * BANELING // = 1480
  },
  {
    // P vs P with 3 type bits: colossus 0, stalker 1, zealot 2 on both sides.
    name: "1c3s5z", limit: 180, bits: 3, agents: ["colossus", ...n(3, "stalker"), ...n(5, "zealot")], nEnemies: 9,
    nActions: 6 + 9, // = 15
    obs: 4 + 9 * (4 + 3 + 1 + 1) + 8 * (4 + 3 + 1 + 1) + (3 + 1 + 1), // = 162
    obsLast: 4 + 9 * (4 + 3 + 1 + 1) + 8 * (4 + 3 + 1 + 1 + 15) + (3 + 1 + 1), // = 282
    state: 9 * (4 + 1 + 3) + 9 * (3 + 1 + 3) + 9 * 15, // = 270
    maxReward: 9 * 10 + 200 + COLOSSUS + 3 * STALKER + 5 * ZEALOT // = 1870
  }
]

describe("SMAC's scenarios: registry and sizes by hand", () => {
  it.each(expected)("$name", (e) => {
    const map = BUILTIN_MAPS[e.name]
    const info = makeEnv(map).info
    expect(map.name).toBe(e.name)
    expect(map.unitTypeBits).toBe(e.bits)
    expect(info.episodeLimit).toBe(e.limit)
    expect(info.agentTypes).toEqual(e.agents)
    expect([info.nAgents, info.nEnemies, info.nActions, info.obsSize, info.stateSize]).toEqual([
      e.agents.length, e.nEnemies, e.nActions, e.obs, e.state
    ])
    expect(makeEnv(map, { obsLastAction: true }).info.obsSize).toBe(e.obsLast)
    expect(makeEnv(map, { stateLastAction: false }).info.stateSize).toBe(e.state - e.agents.length * e.nActions)
    expect(info.maxReward).toBe(e.maxReward)
  })
})

describe("type one-hots on the new heterogeneous maps", () => {
  it("3s5z: enemy stalkers carry type id 1 and zealots 0, swapped from the allies (S2 unit_type - 73)", () => {
    const env = makeEnv(BUILTIN_MAPS["3s5z"])
    const state = env.state(env.reset(streamState(1, ["spec", "smac", "scenarios", "3s5z"])))
    // Allies: 8 × [hp, cooldown, x, y, shield, type0, type1] = 56 features; agent 0 is a stalker
    // (id 0), agent 3 the first zealot (id 1).
    expect([state[5], state[6]]).toEqual([1, 0])
    expect([state[3 * 7 + 5], state[3 * 7 + 6]]).toEqual([0, 1])
    // Enemies from 56: 6 × [hp, x, y, shield, type0, type1]; listing order, stalkers first.
    const enemy = (e: number, k: number): number => state[56 + e * 6 + k]!
    expect([enemy(0, 4), enemy(0, 5)]).toEqual([0, 1])
    expect([enemy(3, 4), enemy(3, 5)]).toEqual([1, 0])
  })

  it("MMM: marauder 0, marine 1, medivac 2 on both sides", () => {
    const env = makeEnv(BUILTIN_MAPS.MMM)
    const state = env.state(env.reset(streamState(1, ["spec", "smac", "scenarios", "MMM"])))
    // Allies: 10 × [hp, cooldown or energy, x, y, type0..2] = 70 features, in agent order.
    const ally = (a: number): Array<number> => Array.from(state.slice(a * 7 + 4, a * 7 + 7))
    expect([ally(0), ally(2), ally(9)]).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    // Enemies from 70: 10 × [hp, x, y, type0..2], in SMAClite's listing order: medivac, 7 marines, 2 marauders.
    const enemy = (e: number): Array<number> => Array.from(state.slice(70 + e * 6 + 3, 70 + e * 6 + 6))
    expect([enemy(0), enemy(1), enemy(8)]).toEqual([[0, 0, 1], [0, 1, 0], [1, 0, 0]])
  })
})

describe("2m_vs_1z geometry (the SC2Map's Objects and t3CellFlags)", () => {
  it("one marine at (13, 12), the other at (19, 12), the zealot at (16, 19), inside the octagon of pathable cells", () => {
    const w = makeEnv(BUILTIN_MAPS["2m_vs_1z"]).world
    expect(w.spawn.map((p) => [p.type, p.x, p.y])).toEqual([["marine", 13, 12], ["marine", 19, 12], ["zealot", 16, 19]])
  })
})
