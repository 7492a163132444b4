/**
 * Cooperative matrix games (Section 5.1): one state, N agents, agent i picks one of
 * n_i actions, every agent receives the shared reward payoff[u_1]…[u_N], and the
 * episode ends after that one step (done = 1).
 *
 * Built in: the non-monotonic game of QTRAN (Son et al. 2019), the paper's Table 1.
 * Users supply their own as JSON, `{"actionCounts":[n_1,…,n_N],"payoff":[…]}` with
 * `payoff` nested N levels deep, level d holding n_d entries. `decodePayoff` checks it
 * and names the JSON path of the first problem.
 *
 * Joint actions are indexed as in `src/core/factorization.ts`: agent 0 is the most
 * significant digit, i.e. the row-major flattening of the nested payoff.
 */
import { Result, Schema } from "effect"
import { jointCount, jointIndex } from "../core/factorization.ts"

/** A payoff nested N levels deep: payoff[u_1][u_2]…[u_N]. */
export type NestedPayoff = number | ReadonlyArray<NestedPayoff>

export interface MatrixGame {
  /** n_i, the number of actions of agent i. */
  readonly actionCounts: ReadonlyArray<number>
  /** The payoff as given, nested N levels deep. */
  readonly payoff: ReadonlyArray<NestedPayoff>
  /** The payoff flattened row-major (agent 0 most significant): flat[jointIndex(u)]. */
  readonly flat: ReadonlyArray<number>
}

/** Largest joint action space accepted: the learners enumerate every joint action to report Q_tot. */
export const MAX_JOINT_ACTIONS = 4096

/** A payoff file that is not a valid matrix game. `path` is a JSON path into the file (`$` is the root). */
export class PayoffInvalid extends Schema.TaggedError<PayoffInvalid>()("PayoffInvalid", {
  source: Schema.String,
  path: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `Invalid payoff in ${this.source} at ${this.path}: ${this.problem}. ` +
      `Expected {"actionCounts":[n_1,…,n_N],"payoff":[…]} with N ≥ 2 and payoff nested N levels deep, ` +
      `level d holding n_d finite numbers or arrays (e.g. {"actionCounts":[2,2],"payoff":[[1,0],[0,1]]}).`
  }
}

/** The paper's Table 1: 8 at (A,A), −12 on the rest of row A and column A, 0 elsewhere. */
export const nonMonotonicGame: MatrixGame = makeGame([3, 3], [
  [8, -12, -12],
  [-12, 0, 0],
  [-12, 0, 0]
])

/** A game from action counts and its row-major payoff (already checked, e.g. by `decodePayoff`). */
export const gameFromFlat = (actionCounts: ReadonlyArray<number>, flat: ReadonlyArray<number>): MatrixGame => {
  if (flat.length !== actionCounts.reduce((a, b) => a * b, 1)) {
    throw new RangeError(`gameFromFlat: ${flat.length} payoffs for action counts ${actionCounts.join("×")}`)
  }
  return { actionCounts, payoff: nestFlat(flat, actionCounts), flat }
}

function makeGame(actionCounts: ReadonlyArray<number>, payoff: ReadonlyArray<NestedPayoff>): MatrixGame {
  const flat: Array<number> = []
  const walk = (p: NestedPayoff): void => {
    if (typeof p === "number") flat.push(p)
    else for (const q of p) walk(q)
  }
  walk(payoff)
  return { actionCounts, payoff, flat }
}

const describe = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? `the string ${JSON.stringify(v)}` : typeof v

/**
 * Check a parsed payoff document and build the game. Pure; the first problem found is
 * returned with its JSON path. `source` names the file for the message.
 */
export const decodePayoff = (doc: unknown, source: string): Result.Result<MatrixGame, PayoffInvalid> => {
  const fail = (path: string, problem: string) => Result.fail(new PayoffInvalid({ source, path, problem }))
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return fail("$", `expected an object, got ${describe(doc)}`)
  }
  const obj = doc as Record<string, unknown>
  for (const key of Object.keys(obj)) {
    if (key !== "actionCounts" && key !== "payoff") {
      return fail(`$.${key}`, `unknown field (only "actionCounts" and "payoff" are read)`)
    }
  }
  const counts = obj["actionCounts"]
  if (counts === undefined) return fail("$.actionCounts", "missing")
  if (!Array.isArray(counts)) return fail("$.actionCounts", `expected an array of action counts, got ${describe(counts)}`)
  if (counts.length < 2) {
    return fail("$.actionCounts", `a cooperative game needs at least 2 agents, got ${counts.length}`)
  }
  for (let i = 0; i < counts.length; i++) {
    const c: unknown = counts[i]
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1) {
      return fail(`$.actionCounts[${i}]`, `an action count must be a positive integer, got ${typeof c === "number" ? c : describe(c)}`)
    }
  }
  const actionCounts = counts as Array<number>
  const joint = actionCounts.reduce((a, b) => a * b, 1)
  if (joint > MAX_JOINT_ACTIONS) {
    return fail("$.actionCounts", `${joint} joint actions; at most ${MAX_JOINT_ACTIONS} are supported`)
  }
  const payoff = obj["payoff"]
  if (payoff === undefined) return fail("$.payoff", "missing")
  const N = actionCounts.length
  // Walk level by level; siblings must agree in length (else ragged) and match the count (else size).
  const check = (p: unknown, path: string, depth: number): PayoffInvalid | undefined => {
    if (depth === N) {
      if (typeof p !== "number") {
        return new PayoffInvalid({
          source,
          path,
          problem: Array.isArray(p)
            ? `nested deeper than the ${N} agents of actionCounts allow (expected a number)`
            : `expected a finite number, got ${describe(p)}`
        })
      }
      if (!Number.isFinite(p)) return new PayoffInvalid({ source, path, problem: `not a finite number (${p})` })
      return undefined
    }
    if (!Array.isArray(p)) {
      return new PayoffInvalid({
        source,
        path,
        problem: `expected an array of ${actionCounts[depth]} entries for agent ${depth + 1}'s actions, got ${
          typeof p === "number" ? `the number ${p}` : describe(p)
        }`
      })
    }
    if (p.length !== actionCounts[depth]) {
      return new PayoffInvalid({
        source,
        path,
        problem: `has ${p.length} entries but actionCounts[${depth}] = ${actionCounts[depth]}`
      })
    }
    for (let k = 0; k < p.length; k++) {
      const child: unknown = p[k]
      const first: unknown = p[0]
      if (k > 0 && Array.isArray(first) && Array.isArray(child) && child.length !== first.length) {
        return new PayoffInvalid({
          source,
          path: `${path}[${k}]`,
          problem: `ragged array: ${child.length} entries where its sibling ${path}[0] has ${first.length}`
        })
      }
      const e = check(child, `${path}[${k}]`, depth + 1)
      if (e) return e
    }
    return undefined
  }
  const problem = check(payoff, "$.payoff", 0)
  if (problem) return Result.fail(problem)
  return Result.succeed(makeGame(actionCounts, payoff as ReadonlyArray<NestedPayoff>))
}

/** Parse and check a payoff file's text. */
export const parsePayoff = (text: string, source: string): Result.Result<MatrixGame, PayoffInvalid> => {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return Result.fail(new PayoffInvalid({ source, path: "$", problem: `not JSON (${e instanceof Error ? e.message : String(e)})` }))
  }
  return decodePayoff(doc, source)
}

/** The shared reward r(u) of a joint action. */
export const matrixReward = (game: MatrixGame, actions: ReadonlyArray<number>): number =>
  game.flat[jointIndex(actions, game.actionCounts)]!

/** Number of joint actions Π n_i. */
export const jointActionCount = (game: MatrixGame): number => jointCount(game.actionCounts)

/** The largest payoff. */
export const maxPayoff = (game: MatrixGame): number => Math.max(...game.flat)

/** Whether joint action `actions` attains the largest payoff. */
export const isOptimal = (game: MatrixGame, actions: ReadonlyArray<number>): boolean =>
  matrixReward(game, actions) === maxPayoff(game)

/**
 * The one state's features, s = [1]. The game has a single state, so any constant works;
 * one constant feature lets the state-conditioned networks (hypernetworks, V(s), e_s) act as
 * learned constants, as they do in PyMARL on a one-state game.
 */
export const stateFeatures = (_game: MatrixGame): ReadonlyArray<number> => [1]

/**
 * Agent i's observation: the state features and its one-hot id (PyMARL's obs_agent_id, so
 * that one shared agent network gives each agent its own Q_i).
 */
export const observation = (game: MatrixGame, agent: number): ReadonlyArray<number> => {
  const id = new Array<number>(game.actionCounts.length).fill(0)
  id[agent] = 1
  return [...stateFeatures(game), ...id]
}

/** The payoff as a nested array of `game.actionCounts` shape (the format of `payoff` in result.json). */
export const nestFlat = (flat: ReadonlyArray<number>, counts: ReadonlyArray<number>): Array<NestedPayoff> => {
  const build = (offset: number, depth: number): NestedPayoff => {
    if (depth === counts.length) return flat[offset]!
    const stride = counts.slice(depth + 1).reduce((a, b) => a * b, 1)
    return Array.from({ length: counts[depth]! }, (_, k) => build(offset + k * stride, depth + 1))
  }
  return build(0, 0) as Array<NestedPayoff>
}
