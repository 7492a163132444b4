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

  it("step rejects too few or too many actions with a typed error naming both counts", () => {
    const { env, s } = setup("3m")
    expect(() => env.step(s, new Int32Array(0))).toThrow(/one action per agent: 3 on this map, got 0/)
    expect(() => env.step(s, [1, 1])).toThrow(expect.objectContaining({ _tag: "ActionCountMismatch", expected: 3, got: 2 }))
    expect(() => env.step(s, [1, 1, 1, 1])).toThrow(/got 4/)
    expect(s.steps).toBe(0) // nothing happened
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

describe("S2 options (starcraft2.py's constructor flags), 2s3z unless named", () => {
  it("sizes: obs 80 by default; 62 without all-health (6 features per unit); 60 without own health either; all-health forces own health; +8 with the pathing grid; +1 with the timestep", () => {
    const obs = (o: Parameters<typeof makeEnv>[1]) => makeEnv(BUILTIN_MAPS["2s3z"], o).info.obsSize
    expect(obs({})).toBe(80)
    expect(obs({ obsAllHealth: false })).toBe(4 + 5 * 6 + 4 * 6 + 4)
    expect(obs({ obsAllHealth: false, obsOwnHealth: false })).toBe(4 + 5 * 6 + 4 * 6 + 2)
    expect(obs({ obsOwnHealth: false })).toBe(80)
    expect(obs({ obsPathingGrid: true })).toBe(88)
    expect(obs({ obsTimestepNumber: true })).toBe(81)
  })

  it("state: +1 with the timestep; every agent's observation with obsInsteadOfState (5 × 80, 5 × 81)", () => {
    const state = (o: Parameters<typeof makeEnv>[1]) => makeEnv(BUILTIN_MAPS["2s3z"], o).info.stateSize
    expect(state({ stateTimestepNumber: true })).toBe(121)
    expect(state({ obsInsteadOfState: true })).toBe(400)
    expect(state({ obsInsteadOfState: true, obsTimestepNumber: true })).toBe(405)
  })

  it("without all-health a seen unit has no health or shield; own health stays unless turned off", () => {
    const { env, s } = setup("2s3z", { obsAllHealth: false })
    for (let u = 0; u < 10; u++) place(s, u, 28, 9 + u)
    place(s, 0, 10, 16)
    place(s, 1, 13, 16)
    place(s, 5, 14, 19)
    s.hp[0] = 40
    const o = Array.from(env.obs(s, 0))
    expectClose(o.slice(4, 10), [1, 5 / 9, 4 / 9, 3 / 9, 0, 1]) // enemy 0 (stalker, enemy id 1)
    expectClose(o.slice(34, 40), [1, 3 / 9, 3 / 9, 0, 1, 0]) // ally 1 (stalker, ally id 0)
    expectClose(o.slice(58), [0.5, 1, 1, 0]) // own hp, shield, type
    const { env: bare, s: s2 } = setup("2s3z", { obsAllHealth: false, obsOwnHealth: false })
    place(s2, 0, 10, 16)
    expect(Array.from(bare.obs(s2, 0).slice(58))).toEqual([1, 0]) // own type only
  })

  it("the pathing grid: 8 points 4 away on the axes and 2 on the diagonals of the agent's cell; blocked 0, outside the map 1", () => {
    const { env, s } = setup("2s3z", { obsPathingGrid: true }) // pathable band y ∈ [8, 24), all x
    place(s, 0, 10, 22.5) // cell (10, 22): (10, 26) (10, 18) (14, 22) (6, 22) (12, 24) (8, 20) (12, 20) (8, 24)
    expect(Array.from(env.obs(s, 0).slice(0, 12))).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0])
    place(s, 0, 1.5, 9.5) // cell (1, 9): (1, 13) (1, 5) (5, 9) (−3, 9) (3, 11) (−1, 7) (3, 7) (−1, 11)
    expect(Array.from(env.obs(s, 0).slice(4, 12))).toEqual([1, 0, 1, 1, 1, 1, 0, 1])
    kill(s, 0)
    expect(env.obs(s, 0).every((v) => v === 0)).toBe(true)
  })

  it("timesteps: steps / episode limit at the end of the observation and of the state", () => {
    const { env, s } = setup("2s3z", { obsTimestepNumber: true, stateTimestepNumber: true })
    expect(env.obs(s, 0)[80]).toBe(0)
    env.step(s, [1, 1, 1, 1, 1])
    env.step(s, [1, 1, 1, 1, 1])
    expect(env.obs(s, 0)[80]).toBeCloseTo(2 / 120, 7)
    expect(env.state(s)[120]).toBeCloseTo(2 / 120, 7)
  })

  it("obsInsteadOfState: the state is the agents' observations in agent order", () => {
    const { env, s } = setup("2s3z", { obsInsteadOfState: true })
    kill(s, 2)
    env.step(s, [1, 1, 0, 1, 1])
    const st = env.state(s)
    for (let a = 0; a < 5; a++) expect(Array.from(st.slice(a * 80, (a + 1) * 80)), `agent ${a}`).toEqual(Array.from(env.obs(s, a)))
  })

  it("sparse reward: 0 for damage, +1 for a win, −1 for a defeat, scaled like any reward unless scaling is off", () => {
    const kill3m = (o: Parameters<typeof makeEnv>[1]) => {
      const { env, s } = setup("3m", o)
      keepOnly(s, [0, 3])
      place(s, 0, 10, 16)
      place(s, 3, 15, 16)
      s.hp[3] = 6
      return env.step(s, [6 + 0, 0, 0]).reward
    }
    expect(kill3m({ rewardSparse: true })).toBeCloseTo(1 / 18.25, 10)
    expect(kill3m({ rewardSparse: true, rewardScale: false })).toBe(1)
    const hit = (o: Parameters<typeof makeEnv>[1]) => {
      const { env, s } = setup("3m", o)
      keepOnly(s, [0, 3, 4])
      place(s, 0, 10, 16)
      place(s, 3, 14, 16)
      place(s, 4, 30, 16)
      return env.step(s, [6 + 0, 0, 0]).reward // agent 0 shoots enemy 0 (45 hp) and kills nothing
    }
    expect(hit({ rewardScale: false })).toBeGreaterThan(0)
    expect(hit({ rewardSparse: true, rewardScale: false })).toBe(0)
    const m = setup("MMM2", { rewardSparse: true, rewardScale: false })
    for (let a = 0; a < 9; a++) kill(m.s, a)
    const r = m.env.step(m.s, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    expect([r.terminated, r.info.battleWon, r.reward]).toEqual([true, false, -1])
  })
})

const expectClose = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>): void => {
  expect(actual.length).toBe(expected.length)
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, 6))
}
