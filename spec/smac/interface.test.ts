/**
 * SMAC's interface (oxwhirl/smac starcraft2.py): sizes, observation and state layouts, action
 * masks, reward and termination, each against numbers worked out by hand.
 */
import { describe, expect, it } from "vitest"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { kill, keepOnly, place, setup } from "./scenario.ts"

describe("sizes (S2 get_obs_size / get_state_size)", () => {
  const table = [
    // map, nAgents, nEnemies, nActions, obs, obs with last action, state
    ["2s3z", 5, 5, 11, 80, 124, 120],
    ["3s_vs_5z", 3, 5, 11, 48, 70, 68],
    ["MMM2", 10, 12, 18, 176, 338, 322],
    ["3m", 3, 3, 9, 30, 48, 48],
    ["8m", 8, 8, 14, 80, 178, 168],
    ["5m_vs_6m", 5, 6, 12, 55, 103, 98]
  ] as const
  for (const [name, nAgents, nEnemies, nActions, obs, obsLast, state] of table) {
    it(name, () => {
      const info = makeEnv(BUILTIN_MAPS[name]).info
      expect([info.nAgents, info.nEnemies, info.nActions, info.obsSize, info.stateSize]).toEqual([
        nAgents, nEnemies, nActions, obs, state
      ])
      expect(makeEnv(BUILTIN_MAPS[name], { obsLastAction: true }).info.obsSize).toBe(obsLast)
      expect(makeEnv(BUILTIN_MAPS[name], { stateLastAction: false }).info.stateSize).toBe(state - nAgents * nActions)
    })
  }
  it("episode limits 120, 250, 180 and SMAC's 60, 120, 70", () => {
    const limits = ["2s3z", "3s_vs_5z", "MMM2", "3m", "8m", "5m_vs_6m"].map((m) =>
      makeEnv(BUILTIN_MAPS[m as keyof typeof BUILTIN_MAPS]).info.episodeLimit
    )
    expect(limits).toEqual([120, 250, 180, 60, 120, 70])
  })
})

describe("observation layout (2s3z)", () => {
  it("move, enemy, ally and own features by hand", () => {
    const { env, s } = setup("2s3z")
    for (let u = 0; u < 10; u++) place(s, u, 28, 9 + u) // everyone far away (x = 28) …
    place(s, 0, 10, 16) // … except agent 0 (stalker),
    place(s, 1, 13, 16) // agent 1 (stalker) 3 to the east,
    place(s, 5, 14, 19) // enemy 0 (stalker) at a 3-4-5 distance,
    place(s, 7, 10, 22.5) // enemy 2 (zealot) 6.5 north: visible, not attackable.
    s.hp[1] = 40
    s.shield[1] = 20
    s.hp[7] = 50
    const o = Array.from(env.obs(s, 0))
    expect(o.length).toBe(80)
    expect(o.slice(0, 4)).toEqual([1, 1, 1, 1]) // N, S, E, W all pathable
    const enemy = (e: number) => o.slice(4 + 8 * e, 4 + 8 * (e + 1))
    // [attackable, dist/9, dx/9, dy/9, hp, shield, type one-hot (enemy ids: zealot 0, stalker 1)]
    expectClose(enemy(0), [1, 5 / 9, 4 / 9, 3 / 9, 1, 1, 0, 1])
    expectClose(enemy(2), [0, 6.5 / 9, 0, 6.5 / 9, 0.5, 1, 1, 0])
    expect(enemy(1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]) // out of sight
    const ally = (i: number) => o.slice(44 + 8 * i, 44 + 8 * (i + 1))
    // [visible, dist/9, dx/9, dy/9, hp, shield, type one-hot (ally ids: stalker 0, zealot 1)]
    expectClose(ally(0), [1, 3 / 9, 3 / 9, 0, 0.5, 0.25, 1, 0])
    expect(ally(1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    expect(o.slice(76)).toEqual([1, 1, 1, 0]) // own hp, shield, type stalker
  })

  it("blocked moves, dead agents and the last-action block", () => {
    const { env, s } = setup("2s3z", { obsLastAction: true })
    place(s, 0, 10, 23.2) // int(24.2) = 24 is outside the pathable band y ∈ [8, 24)
    expect(Array.from(env.obs(s, 0).slice(0, 4))).toEqual([0, 1, 1, 1])
    kill(s, 3)
    expect(env.obs(s, 3).every((v) => v === 0)).toBe(true)
    env.step(s, [1, 1, 2, 0, 1])
    // agent 1's view of agent 2 (ally slot 1): 8 features, then the one-hot of action 2 over 11 actions
    const o = env.obs(s, 1)
    const slot = 4 + 5 * 8 + 1 * (8 + 11)
    expect(o[slot]).toBe(1)
    expect(Array.from(o.slice(slot + 8, slot + 19))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
  })
})

describe("state layout (2s3z)", () => {
  it("ally, enemy and last-action blocks by hand", () => {
    const { env, s } = setup("2s3z")
    place(s, 0, 10, 16)
    s.cooldown[0] = 7
    s.shield[0] = 40
    place(s, 5, 14, 19)
    kill(s, 6)
    const st = Array.from(env.state(s))
    // ally: [hp, cooldown / 35, (x − 16) / 32, (y − 16) / 32, shield, type one-hot]
    expectClose(st.slice(0, 7), [1, 7 / 35, -6 / 32, 0, 0.5, 1, 0])
    // enemy: [hp, (x − 16) / 32, (y − 16) / 32, shield, type (stalker = 1)]
    expectClose(st.slice(35, 41), [1, -2 / 32, 3 / 32, 1, 0, 1])
    expect(st.slice(41, 47)).toEqual([0, 0, 0, 0, 0, 0]) // dead enemy 1
    expect(st.slice(65).every((v) => v === 0)).toBe(true) // no action yet
  })

  it("a Medivac's second feature is energy / 200 (MMM2)", () => {
    const { env, s } = setup("MMM2")
    expect(env.state(s)[9 * 7 + 1]).toBeCloseTo(50 / 200, 7)
  })
})

describe("available actions", () => {
  it("dead: only no-op; alive: stop, no no-op, attack within distance 6", () => {
    const { env, s } = setup("3m")
    kill(s, 1)
    expect(Array.from(env.availActions(s, 1))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0])
    place(s, 0, 10, 16)
    place(s, 3, 16, 16) // exactly 6: available
    place(s, 4, 16.01, 16) // just beyond
    kill(s, 5)
    expect(Array.from(env.availActions(s, 0))).toEqual([0, 1, 1, 1, 1, 1, 1, 0, 0])
  })

  it("a Medivac heals non-Medivac allies by ally index; ids 16 and 17 never", () => {
    const { env, s } = setup("MMM2")
    for (let a = 0; a < 9; a++) place(s, a, 10 + a * 0.1, 16)
    place(s, 9, 10, 17)
    place(s, 4, 10, 23.5) // 6.5 away
    const m = env.availActions(s, 9)
    expect(Array.from(m.slice(6))).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0])
  })

  it("step rejects an unavailable action with a typed error", () => {
    const { env, s } = setup("3m")
    expect(() => env.step(s, [0, 1, 1])).toThrow(/Agent 0 cannot take action 0/)
    const thrown = (() => {
      try {
        env.step(s, [1, 1, 8]) // enemy 2 is ~12 away at the start
      } catch (e) {
        return e
      }
    })()
    expect(thrown).toMatchObject({ _tag: "InvalidAction", agent: 2, action: 8, available: [1, 2, 3, 4, 5] })
  })
})

describe("reward (S2 reward_battle, scaled by max_reward / 20)", () => {
  it("max_reward: 1020, 1000, 1205 for the paper maps", () => {
    expect(["2s3z", "3s_vs_5z", "MMM2"].map((m) => makeEnv(BUILTIN_MAPS[m as "2s3z"]).info.maxReward)).toEqual([
      1020, 1000, 1205
    ])
  })

  it("the last kill pays its hp + 10 + 200 and wins", () => {
    const { env, s } = setup("3m")
    keepOnly(s, [0, 3])
    place(s, 0, 10, 16)
    place(s, 3, 15, 16)
    s.hp[3] = 6 // one marine shot
    const r = env.step(s, [6 + 0, 0, 0])
    // max_reward = 3·10 + 200 + 3·45 = 365; (6 + 10 + 200) / (365 / 20)
    expect(r.reward).toBeCloseTo(216 / 18.25, 10)
    expect(r.terminated).toBe(true)
    expect(r.info).toEqual({ battleWon: true, episodeLimit: false, deadAllies: 2, deadEnemies: 3 })
  })

  it("with only-positive off, damage taken costs half", () => {
    const { env, s } = setup("3m", { rewardOnlyPositive: false })
    keepOnly(s, [0, 3, 4])
    place(s, 0, 10, 16)
    place(s, 3, 14, 16)
    place(s, 4, 30, 16)
    s.cooldown[0] = 100 // agent 0 cannot shoot back this step
    const r = env.step(s, [1, 0, 0])
    // enemy 0 acquires agent 0 (distance 4 < 5 + 0.375) and hits it once for 6
    expect(s.hp[0]).toBe(39)
    expect(r.reward).toBeCloseTo((-0.5 * 6) / 18.25, 10)
  })

  it("only-positive takes |·|: enemy shield regen pays (S2 quirk)", () => {
    const { env, s } = setup("2s3z")
    keepOnly(s, [0, 1, 7, 8])
    place(s, 0, 30, 10)
    place(s, 1, 30, 22)
    place(s, 7, 9, 16)
    place(s, 8, 9, 14)
    s.shield[7] = 30 // regenerating (no recent hit): +0.125 per loop
    const r = env.step(s, [1, 1, 0, 0, 0])
    expect(s.shield[7]).toBe(31)
    expect(r.reward).toBeCloseTo(1 / 51, 10)
  })
})

describe("termination (S2 update_units)", () => {
  it("MMM2: a lone enemy Medivac is a win", () => {
    const { env, s } = setup("MMM2")
    for (let u = 11; u < 22; u++) kill(s, u)
    place(s, 10, 30, 16)
    const r = env.step(s, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    expect(r.terminated).toBe(true)
    expect(r.info.battleWon).toBe(true)
  })

  it("MMM2: only our Medivac left is a loss", () => {
    const { env, s } = setup("MMM2")
    for (let a = 0; a < 9; a++) kill(s, a)
    const r = env.step(s, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    expect(r.terminated).toBe(true)
    expect(r.info.battleWon).toBe(false)
  })

  it("time-out ends the episode; info.episodeLimit only with continuingEpisode", () => {
    for (const continuingEpisode of [false, true]) {
      const { env, s } = setup("3m", { continuingEpisode })
      s.steps = 59
      const r = env.step(s, [1, 1, 1])
      expect([r.terminated, r.info.battleWon, r.info.episodeLimit]).toEqual([true, false, continuingEpisode])
      expect(() => env.step(s, [1, 1, 1])).toThrow(/terminated after 60 steps/)
    }
  })
})

const expectClose = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>): void => {
  expect(actual.length).toBe(expected.length)
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, 6))
}
