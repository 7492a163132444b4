/**
 * The Max of Two Quadratics game (Section 5.2, Eq. 19; Wei et al. 2018): one state, two
 * agents, agent i picks one number u_i ∈ [−bound, bound], both receive
 *
 *   f1 = h1 · [−((u1 − x1)/s1)² − ((u2 − y1)/s1)²]
 *   f2 = h2 · [−((u1 − x2)/s2)² − ((u2 − y2)/s2)²] + c                (Eq. 19)
 *   r(u1, u2) = max(f1, f2)
 *
 * and the episode ends after that one step (done = 1). The defaults are the paper's:
 * h1 = 0.8, h2 = 1, s1 = 3, s2 = 1 (the paper prints "s2 − 1", a typo for s2 = 1),
 * x1 = y1 = −5, x2 = y2 = 5, c = 10, bound = 10: a wide peak of 0 at (−5, −5) and a
 * narrow peak of 10 at (5, 5).
 *
 * Users may move the peaks with a JSON file of any subset of the fields
 * (`{"x2": -2, "y2": 6}`); `decodeGame` checks it and names the JSON path of the first
 * problem. The game's optima are its two peaks, computed from its own parameters
 * (`gameOptima`), and a run's outcome is read against them (`classifyOutcome`).
 */
import { Result, Schema } from "effect"

export interface QuadraticsGame {
  /** Height scale of the first quadratic (> 0). */
  readonly h1: number
  /** Height scale of the second quadratic (> 0). */
  readonly h2: number
  /** Width of the first quadratic (> 0). */
  readonly s1: number
  /** Width of the second quadratic (> 0). */
  readonly s2: number
  /** Centre of the first quadratic: (x1, y1). */
  readonly x1: number
  readonly y1: number
  /** Centre of the second quadratic: (x2, y2). */
  readonly x2: number
  readonly y2: number
  /** Offset added to the second quadratic: its peak value. */
  readonly c: number
  /** Each action lies in [−bound, bound]. */
  readonly bound: number
}

export const GAME_FIELDS = ["h1", "h2", "s1", "s2", "x1", "y1", "x2", "y2", "c", "bound"] as const

/** The paper's game (Section 5.2). */
export const defaultGame: QuadraticsGame = {
  h1: 0.8,
  h2: 1,
  s1: 3,
  s2: 1,
  x1: -5,
  y1: -5,
  x2: 5,
  y2: 5,
  c: 10,
  bound: 10
}

/** The game as a Schema (for stage configs; the user-facing check is `decodeGame`). */
export const QuadraticsGameSchema = Schema.Struct({
  h1: Schema.Number,
  h2: Schema.Number,
  s1: Schema.Number,
  s2: Schema.Number,
  x1: Schema.Number,
  y1: Schema.Number,
  x2: Schema.Number,
  y2: Schema.Number,
  c: Schema.Number,
  bound: Schema.Number
})

/** Eq. 19's first quadratic. (Written 0 − a² − b² so that the peak is +0, not −0.) */
export const f1 = (g: QuadraticsGame, u1: number, u2: number): number =>
  g.h1 * (0 - ((u1 - g.x1) / g.s1) ** 2 - ((u2 - g.y1) / g.s1) ** 2)

/** Eq. 19's second quadratic. */
export const f2 = (g: QuadraticsGame, u1: number, u2: number): number =>
  g.h2 * (0 - ((u1 - g.x2) / g.s2) ** 2 - ((u2 - g.y2) / g.s2) ** 2) + g.c

/** The shared reward r(u1, u2) = max(f1, f2) (Eq. 19). */
export const quadraticsReward = (g: QuadraticsGame, u1: number, u2: number): number => Math.max(f1(g, u1, u2), f2(g, u1, u2))

/** A peak of the reward surface. */
export interface Peak {
  /** The joint action (u1, u2) at the peak. */
  readonly at: readonly [number, number]
  /** r at the peak. */
  readonly value: number
}

/** The game's two peaks: the higher one is the global optimum, the other the local one. */
export interface GameOptima {
  readonly global: Peak
  readonly local: Peak
}

/**
 * The optima of a valid game (see `decodeGame`): the two quadratics' centres, each a peak
 * of r because there its own quadratic is the larger; "global" is the centre where r is
 * larger. For the paper's game: global (5, 5) with 10, local (−5, −5) with 0.
 */
export const gameOptima = (g: QuadraticsGame): GameOptima => {
  const first: Peak = { at: [g.x1, g.y1], value: quadraticsReward(g, g.x1, g.y1) }
  const second: Peak = { at: [g.x2, g.y2], value: quadraticsReward(g, g.x2, g.y2) }
  return second.value > first.value ? { global: second, local: first } : { global: first, local: second }
}

export const OUTCOMES = ["opt", "sub-opt", "other"] as const
export type Outcome = (typeof OUTCOMES)[number]

/** How close a final joint action must be to a peak to count as reaching it. */
export const OUTCOME_RADIUS = 1

/**
 * A run's outcome from its final deterministic joint action: within Euclidean distance 1
 * of the global optimum → "opt", within distance 1 of the local optimum → "sub-opt",
 * otherwise "other". The two discs never overlap in a valid game (peaks more than 2 apart).
 */
export const classifyOutcome = (optima: GameOptima, action: readonly [number, number]): Outcome => {
  const dist = (p: Peak) => Math.hypot(action[0] - p.at[0], action[1] - p.at[1])
  if (dist(optima.global) <= OUTCOME_RADIUS) return "opt"
  if (dist(optima.local) <= OUTCOME_RADIUS) return "sub-opt"
  return "other"
}

// ---------------------------------------------------------------------------------------
// User game files

/** A game file that is not a valid Max of Two Quadratics game. `path` is a JSON path (`$` is the root). */
export class GameInvalid extends Schema.TaggedError<GameInvalid>()("GameInvalid", {
  source: Schema.String,
  path: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `Invalid game in ${this.source} at ${this.path}: ${this.problem}. ` +
      `Expected a JSON object with any of the numeric fields ${GAME_FIELDS.join(", ")} ` +
      `(missing fields keep the paper's values, e.g. {"x2": -2, "y2": 6} moves the narrow peak).`
  }
}

const describe = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? `the string ${JSON.stringify(v)}` : typeof v

/**
 * Check a parsed game document and build the game; missing fields take the paper's values.
 * Pure; the first problem found is returned with its JSON path. Beyond types, a game must
 * have two distinct peaks to tell "opt" from "sub-opt": positive h and s, both centres
 * inside the action box, each centre a strict peak of r (its own quadratic larger there),
 * different peak values, and centres more than 2 apart (so the outcome discs are disjoint).
 */
export const decodeGame = (doc: unknown, source: string): Result.Result<QuadraticsGame, GameInvalid> => {
  const fail = (path: string, problem: string) => Result.fail(new GameInvalid({ source, path, problem }))
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return fail("$", `expected an object, got ${describe(doc)}`)
  }
  const obj = doc as Record<string, unknown>
  for (const key of Object.keys(obj)) {
    if (!(GAME_FIELDS as ReadonlyArray<string>).includes(key)) {
      return fail(`$.${key}`, `unknown field (only ${GAME_FIELDS.join(", ")} are read)`)
    }
  }
  const g: Record<string, number> = { ...defaultGame }
  for (const key of GAME_FIELDS) {
    const v = obj[key]
    if (v === undefined) continue
    if (typeof v !== "number") return fail(`$.${key}`, `expected a number, got ${describe(v)}`)
    if (!Number.isFinite(v)) return fail(`$.${key}`, `not a finite number (${v})`)
    g[key] = v
  }
  for (const key of ["h1", "h2", "s1", "s2", "bound"] as const) {
    if (!(g[key]! > 0)) return fail(`$.${key}`, `must be > 0 (got ${g[key]})`)
  }
  const game = g as unknown as QuadraticsGame
  for (const key of ["x1", "y1", "x2", "y2"] as const) {
    if (Math.abs(game[key]) > game.bound) {
      return fail(`$.${key}`, `the centre coordinate ${game[key]} lies outside the action range [−${game.bound}, ${game.bound}]`)
    }
  }
  if (!(f1(game, game.x1, game.y1) > f2(game, game.x1, game.y1))) {
    return fail("$", `the first quadratic's centre (${game.x1}, ${game.y1}) is not a peak of r: the second quadratic is larger there`)
  }
  if (!(f2(game, game.x2, game.y2) > f1(game, game.x2, game.y2))) {
    return fail("$", `the second quadratic's centre (${game.x2}, ${game.y2}) is not a peak of r: the first quadratic is larger there`)
  }
  if (quadraticsReward(game, game.x1, game.y1) === quadraticsReward(game, game.x2, game.y2)) {
    return fail("$.c", `both peaks have the value ${quadraticsReward(game, game.x1, game.y1)}, so neither is the global optimum`)
  }
  if (Math.hypot(game.x1 - game.x2, game.y1 - game.y2) <= 2 * OUTCOME_RADIUS) {
    return fail("$", `the centres are ${Math.hypot(game.x1 - game.x2, game.y1 - game.y2)} apart; they must be more than ${2 * OUTCOME_RADIUS} apart`)
  }
  return Result.succeed(game)
}

/** Parse and check a game file's text. */
export const parseGame = (text: string, source: string): Result.Result<QuadraticsGame, GameInvalid> => {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return Result.fail(new GameInvalid({ source, path: "$", problem: `not JSON (${e instanceof Error ? e.message : String(e)})` }))
  }
  return decodeGame(doc, source)
}

/**
 * The one state's features, s = [1], which is also each agent's observation τ_i: the game
 * has a single state, so a constant input lets the networks of V_i(τ_i), π_i(τ_i) and the
 * hypernetworks act as learned constants.
 */
export const STATE_FEATURES: ReadonlyArray<number> = [1]

/** N, the number of agents. */
export const AGENTS = 2
