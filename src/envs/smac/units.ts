/**
 * The SMAC unit types, every number in ONE time base: SC2 game loops.
 *
 * Time base (smac-spec §1, §7.1): SC2 runs 16 game loops per *normal* game-second and SMAC
 * advances 8 loops per agent step (`step_mul`), so one step is 0.5 normal game-seconds.
 * Value set: SC2's own editor values in normal game time (the maps' `UnitData.xml`), the time
 * base that the game loops count. SMAClite stores speeds and weapon cooldowns as Liquipedia
 * "Faster" values (1.4× normal speed) but shield regen, heal and energy in normal time; we
 * convert the Faster numbers back to normal time (÷1.4 for speeds, ×1.4 for periods) once,
 * here, so that movement, fire rate, shields and heals all run on the same clock as in SC2.
 *
 * Sources: SL = uoe-agents/smaclite unit JSONs and `unit.py`; MAP = SMAC's SC2Map `UnitData.xml`;
 * S2 = oxwhirl/smac `starcraft2.py`; SC2 = the game's stock data where no map overrides it (weapons:
 * no SMAC map has a WeaponData.xml), read from BurnySc2/sc2-techtree's data.json (SC2 5.0, 2021)
 * or, where marked, Liquipedia.
 */

/** SC2 game loops per normal game-second (SL `TICKS_PER_SECOND`; SC2 engine). */
export const LOOPS_PER_SECOND = 16
/** Game loops per agent step (S2 `step_mul`, SM `SMACMap.step_mul`). */
export const LOOPS_PER_STEP = 8
/** Liquipedia "Faster" game speed runs 1.4 normal game-seconds per real second. */
const FASTER = 1.4

/** A speed in map units per normal second, as map units per game loop. */
const perLoop = (perSecond: number): number => perSecond / LOOPS_PER_SECOND
/** A weapon period given in Faster seconds, as whole game loops (normal time). */
const fasterPeriodLoops = (fasterSeconds: number): number => Math.round(fasterSeconds * FASTER * LOOPS_PER_SECOND)

export const UNIT_TYPE_NAMES = [
  "stalker", "zealot", "marine", "marauder", "medivac", "colossus", "zergling", "baneling", "spine_crawler", "hydralisk"
] as const
export type UnitTypeName = (typeof UNIT_TYPE_NAMES)[number]

/**
 * How an attack lands beyond its target (SL `targeter`):
 * - `single`: the target only;
 * - `burst`: every enemy ground unit whose disc touches a circle of `radius` around the attacker,
 *   and the attacker dies (the Baneling's Volatile Burst; SL `KamikazeTargeter`);
 * - `line`: every enemy ground unit whose disc touches a `width` × `depth` rectangle centred on the
 *   target, its long side across the line of fire (the Colossus's Thermal Lances; SL `LaserBeamTargeter`).
 */
export type Splash =
  | { readonly kind: "single" }
  | { readonly kind: "burst"; readonly radius: number }
  | { readonly kind: "line"; readonly width: number; readonly depth: number }

export interface UnitType {
  readonly name: UnitTypeName
  /** Hit points. */
  readonly hp: number
  /** Shield points (Protoss); 0 when the unit has none. */
  readonly shield: number
  /** Armor, subtracted from each hit's hp damage (never from shield damage). */
  readonly armor: number
  /** Damage per hit, before the bonus. */
  readonly damage: number
  /** Extra damage per hit against ARMORED targets. */
  readonly bonusVsArmored: number
  /** Extra damage per hit against LIGHT targets. */
  readonly bonusVsLight: number
  /** Hits per attack (Zealot: 2). */
  readonly attacks: number
  /** Weapon period in game loops (0: acts every loop, the Medivac's heal). */
  readonly cooldownLoops: number
  /** Weapon (or heal) range, added to both radii: in range when centre distance ≤ range + r_self + r_target. */
  readonly range: number
  /** Top speed in map units per game loop. */
  readonly speedPerLoop: number
  /** Footprint radius. */
  readonly radius: number
  readonly armored: boolean
  readonly light: boolean
  /** Flies: collides only with other air units and cannot be hit by ground-only weapons. */
  readonly air: boolean
  readonly targetsGround: boolean
  readonly targetsAir: boolean
  /** Heals allies instead of attacking enemies. */
  readonly healer: boolean
  /** Where the attack lands (SL `targeter`). */
  readonly splash: Splash
  /** Hit points regenerated per loop (Zerg; 0 for the others). */
  readonly hpRegenPerLoop: number
  /** Enemy units of this type acquire targets within this distance plus the target's radius (SL `minimum_scan_range`). */
  readonly scanRange: number
  /** A structure: never moves, and collisions push only the other unit. */
  readonly structure: boolean
  /**
   * Walks over small ground units and up and down cliffs (SC2's Colossus: MASSIVE, cliff-walking):
   * it collides only with units of its own kind and may stand on a map's cliff cells.
   */
  readonly tall: boolean
  /** S2 `unit_max_cooldown`: the divisor of the state's cooldown feature (loops; energy for the Medivac). */
  readonly smacMaxCooldown: number
}

// Shields (SL `unit.py`; MAP `ShieldRegenDelay 10`, `ShieldRegenRate 2`, both normal time).
/** Loops after a hit before shields regenerate: 10 normal seconds. */
export const SHIELD_REGEN_DELAY_LOOPS = 10 * LOOPS_PER_SECOND
/** Shield regained per loop once regenerating: 2 per normal second. */
export const SHIELD_REGEN_PER_LOOP = perLoop(2)

// Medivac heal (SL `unit.py` HEAL_PER_SECOND, HEAL_PER_ENERGY, ENERGY_PER_SECOND; MAP energy values).
/** Hit points healed per loop: 9 per normal second. */
export const HEAL_PER_LOOP = perLoop(9)
/** Hit points bought by one unit of energy. */
export const HEAL_PER_ENERGY = 3
/** A Medivac will not start healing a new target with less energy than this. */
export const HEAL_START_ENERGY = 5
/** Energy regained per loop: 0.5625 per normal second (MAP `EnergyRegenRate`). */
export const ENERGY_REGEN_PER_LOOP = perLoop(0.5625)
/** MAP `EnergyStart`. */
export const ENERGY_START = 50
/** MAP `EnergyMax`. */
export const ENERGY_MAX = 200

/**
 * Random weapon delay, drawn per attack and added to the weapon period: SC2 randomises every
 * attack's cooldown. Source: smac-spec §1 (SMAX): "Each shot gets a random cooldown jitter of
 * U(−1/16, 2/16)" seconds, which SX (`smax_env.py`, `update_agent_health`) calls a "design choice
 * based on the pysc2 randomness details" (pysc2 `docs/environment.md#determinism-and-randomness`).
 * At 16 loops per second that is −1 to +2 game loops. We fire on loop boundaries, so we draw the
 * delay in whole loops, uniformly from {−1, 0, +1, +2}: the same range and the same mean (+0.5
 * loop) as U(−1, 2). SMAClite has no delay.
 */
export const WEAPON_DELAY_MIN_LOOPS = -1
export const WEAPON_DELAY_MAX_LOOPS = 2

/** Enemies acquire allies within this distance plus the target's radius (SL `minimum_scan_range`). */
export const ENEMY_SCAN_RANGE = 5

/** SL `MELEE_ATTACK_RANGE` (`unit_type.py`). */
const MELEE_RANGE = 0.1

/** SL `unit_type.py`: the Baneling's attack range ("NOTE 0.25 for banelings"). */
const BANELING_RANGE = 0.25

/** Zerg life regeneration: MAP `LifeRegenRate` 0.2734 per normal second (SL's 0.38 is the same in Faster). */
const ZERG_REGEN_PER_LOOP = perLoop(0.2734)
/** A weapon period given in normal seconds (SC2's data), as whole game loops. */
const periodLoops = (seconds: number): number => Math.round(seconds * LOOPS_PER_SECOND)

const SINGLE: Splash = { kind: "single" }

/** The common case, spread into each type and overridden where it differs: one target, no regen, scan range 5, mobile, small. */
const PLAIN = {
  bonusVsLight: 0,
  splash: SINGLE,
  hpRegenPerLoop: 0,
  scanRange: ENEMY_SCAN_RANGE,
  structure: false,
  tall: false
} as const

export const UNIT_TYPES: Readonly<Record<UnitTypeName, UnitType>> = {
  stalker: {
    name: "stalker",
    ...PLAIN,
    hp: 80, // SL stalker.json; MAP agrees
    shield: 80, // SL; MAP
    armor: 1, // SL; MAP
    damage: 13, // SL (weapons are not overridden in the maps)
    bonusVsArmored: 5, // SL `bonuses: {ARMORED: 5}`
    attacks: 1,
    cooldownLoops: fasterPeriodLoops(1.34), // SL 1.34 Faster s → 1.876 s normal → 30 loops
    range: 6, // SL
    speedPerLoop: perLoop(2.9531), // MAP (normal); SL's 4.13 is the same in Faster
    radius: 0.625, // MAP; SL size 1.25 / 2
    armored: true, // SL attributes ARMORED, MECHANICAL
    light: false,
    air: false,
    targetsGround: true, // SL valid_targets GROUND, AIR
    targetsAir: true,
    healer: false,
    smacMaxCooldown: 35 // S2 unit_max_cooldown
  },
  zealot: {
    name: "zealot",
    ...PLAIN,
    hp: 100, // SL; MAP
    shield: 50, // SL; MAP
    armor: 1, // SL; MAP
    damage: 8, // SL
    bonusVsArmored: 0,
    attacks: 2, // SL `attacks: 2`
    cooldownLoops: fasterPeriodLoops(0.86), // SL 0.86 Faster s → 1.204 s normal → 19 loops
    range: MELEE_RANGE, // SL "MELEE"
    speedPerLoop: perLoop(2.25), // MAP (normal); SL 3.15 Faster
    radius: 0.5, // SL size 1.0 / 2 (MAP: SC2 default)
    armored: false, // SL LIGHT, BIOLOGICAL
    light: true,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    smacMaxCooldown: 22 // S2
  },
  marine: {
    name: "marine",
    ...PLAIN,
    hp: 45, // SL; MAP
    shield: 0,
    armor: 0, // SL; MAP
    damage: 6, // SL
    bonusVsArmored: 0,
    attacks: 1,
    cooldownLoops: fasterPeriodLoops(0.61), // SL 0.61 Faster s → 0.854 s normal → 14 loops
    range: 5, // SL
    speedPerLoop: perLoop(2.25), // MAP (normal); SL 3.15 Faster
    radius: 0.375, // MAP; SL size 0.75 / 2
    armored: false, // SL LIGHT, BIOLOGICAL
    light: true,
    air: false,
    targetsGround: true, // SL valid_targets GROUND, AIR
    targetsAir: true,
    healer: false,
    smacMaxCooldown: 15 // S2
  },
  marauder: {
    name: "marauder",
    ...PLAIN,
    hp: 125, // SL; MAP
    shield: 0,
    armor: 1, // SL; MAP
    damage: 10, // SL
    bonusVsArmored: 10, // SL `bonuses: {ARMORED: 10}`
    attacks: 1,
    cooldownLoops: fasterPeriodLoops(1.07), // SL 1.07 Faster s → 1.498 s normal → 24 loops
    range: 6, // SL
    speedPerLoop: perLoop(2.25), // MAP (normal); SL 3.15 Faster
    radius: 0.5625, // MAP; SL size 1.125 / 2
    armored: true, // SL ARMORED, BIOLOGICAL
    light: false,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    smacMaxCooldown: 25 // S2
  },
  medivac: {
    name: "medivac",
    ...PLAIN,
    hp: 150, // SL; MAP
    shield: 0,
    armor: 1, // SL; MAP
    damage: 0, // heals instead
    bonusVsArmored: 0,
    attacks: 0,
    cooldownLoops: 0, // SL cooldown 0: heals every loop
    range: 4, // SL heal range
    speedPerLoop: perLoop(2.75), // MAP 2.75 normal (flag §7.2: SL's 3.5 matches neither timebase)
    radius: 0.75, // MAP; SL size 1.5 / 2
    armored: true, // SL ARMORED, MECHANICAL
    light: false,
    air: true, // SL plane AIR
    targetsGround: true, // SL valid_targets GROUND (heal targets)
    targetsAir: false,
    healer: true,
    smacMaxCooldown: ENERGY_MAX // S2: a Medivac's state feature is energy / 200
  },
  colossus: {
    name: "colossus",
    ...PLAIN,
    hp: 200, // SL colossus.json
    shield: 150, // SL
    armor: 1, // SL
    damage: 10, // SL
    bonusVsArmored: 0,
    bonusVsLight: 5, // SL `bonuses: {LIGHT: 5}`
    attacks: 2, // SL `attacks: 2`
    cooldownLoops: periodLoops(1.5), // SC2 1.5 s → 24 loops (S2's max 24 agrees; SL 1.07 Faster is the same)
    range: 7, // SL; SC2
    speedPerLoop: perLoop(2.25), // MAP Colossus_RL (SL 3.15 Faster is the same)
    radius: 1, // MAP; SL size 2 / 2
    armored: true, // SL ARMORED, MECHANICAL, MASSIVE
    light: false,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    splash: { kind: "line", width: 2.8, depth: 0.3 }, // SL LASER_BEAM width 2.8, height 0.3
    tall: true, // SC2: MASSIVE units walk over small ones; the Colossus walks cliffs
    smacMaxCooldown: 24 // S2
  },
  zergling: {
    name: "zergling",
    ...PLAIN,
    hp: 35, // SL zergling.json
    shield: 0,
    armor: 0, // SL
    damage: 5, // SL
    bonusVsArmored: 0,
    attacks: 1,
    cooldownLoops: periodLoops(0.696), // SC2 0.696 s → 11 loops (S2's max 11 agrees; SL 0.497 Faster is the same)
    range: MELEE_RANGE, // SL "MELEE"
    speedPerLoop: perLoop(2.9531), // MAP Zergling_RL (SL 4.13 Faster is the same)
    radius: 0.375, // MAP; SL size 0.75 / 2
    armored: false, // SL LIGHT, BIOLOGICAL
    light: true,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    hpRegenPerLoop: ZERG_REGEN_PER_LOOP, // MAP
    smacMaxCooldown: 11 // S2
  },
  baneling: {
    name: "baneling",
    ...PLAIN,
    hp: 30, // SL baneling.json
    shield: 0,
    armor: 0, // SL
    damage: 16, // SC2 Volatile Burst (Liquipedia; no map overrides it). SL's 80 is its damage to structures.
    bonusVsArmored: 0,
    bonusVsLight: 19, // SC2 (Liquipedia) +19 vs Light; SL has no bonus
    attacks: 1,
    cooldownLoops: 1, // it attacks once: the burst kills it
    range: BANELING_RANGE, // SL
    speedPerLoop: perLoop(2.5), // MAP Baneling_RL 2.5 (SC2's 3.5 Faster); SL's 3.15 Faster is 2.25
    radius: 0.375, // MAP; SL size 0.75 / 2
    armored: false, // MAP, SL: BIOLOGICAL only
    light: false,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    splash: { kind: "burst", radius: 2.2 }, // SL KAMIKAZE radius 2.2
    hpRegenPerLoop: ZERG_REGEN_PER_LOOP, // MAP
    smacMaxCooldown: 1 // S2
  },
  spine_crawler: {
    name: "spine_crawler",
    ...PLAIN,
    hp: 300, // SL spine_crawler.json
    shield: 0,
    armor: 2, // SL
    damage: 25, // SL
    bonusVsArmored: 5, // SL `bonuses: {ARMORED: 5}`
    attacks: 1,
    cooldownLoops: periodLoops(1.85), // SC2 1.85 s → 30 loops (SL 1.32 Faster is the same)
    range: 7, // SC2; SL
    speedPerLoop: 0, // SL speed 0: rooted
    radius: 1.125, // SC2's stock Spine Crawler (no map overrides it); SL's size 1 gives 0.5
    armored: true, // SL ARMORED, BIOLOGICAL, STRUCTURE
    light: false,
    air: false,
    targetsGround: true, // SL valid_targets GROUND
    targetsAir: false,
    healer: false,
    hpRegenPerLoop: ZERG_REGEN_PER_LOOP, // SC2 Zerg regen (Liquipedia); SL hp_regen 0.38 Faster
    scanRange: 10, // SL minimum_scan_range 10
    structure: true,
    smacMaxCooldown: 15 // S2 has no entry: `switcher.get(unit_type, 15)`; only allies use it
  },
  hydralisk: {
    name: "hydralisk",
    ...PLAIN,
    hp: 80, // MAP Hydralisk_RL (SC2 before 4.11; SMAClite has no Hydralisk)
    shield: 0,
    armor: 0,
    damage: 12, // SC2 Needle Spines
    bonusVsArmored: 0,
    attacks: 1,
    cooldownLoops: periodLoops(0.825), // SC2 0.825 s → 13 loops (above S2's max 10, so its state feature can exceed 1)
    range: 5, // SC2
    speedPerLoop: perLoop(2.25), // MAP Hydralisk_RL
    radius: 0.625, // MAP
    armored: false, // LIGHT, BIOLOGICAL
    light: true,
    air: false,
    targetsGround: true,
    targetsAir: true,
    healer: false,
    hpRegenPerLoop: ZERG_REGEN_PER_LOOP, // MAP
    smacMaxCooldown: 10 // S2
  }
}
