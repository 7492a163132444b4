/**
 * The committed SMAClite measurements (docs/results/smaclite, issue 18 part 3) are data: each
 * says where and how it was measured, and its summary figures are what its per-episode records
 * give (so a hand edit of a table figure, or a truncated run passed off as 200 episodes, fails).
 * Every map measured is one SMAC-lite has, and the side-by-side section of docs/smac-lite.md
 * names them all.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { BUILTIN_MAP_NAMES } from "../../src/envs/smac/MapSpec.ts"
import { wilsonInterval } from "../../pipelines/smac/evaluate.ts"

const dir = join(import.meta.dirname, "../../docs/results/smaclite")
/** SMAClite's figures, one file per map; `ours*.json` are our side (`scripts/smaclite/ours.ts`). */
const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("ours"))
const ourFiles = readdirSync(dir).filter((f) => f.endsWith(".json") && f.startsWith("ours"))

interface Policy {
  readonly episodes: number
  readonly wins: number
  readonly win_rate: number
  readonly timeouts: number
  readonly mean_length: number
  readonly mean_return: number
  readonly per_episode: { readonly outcome: string; readonly length: ReadonlyArray<number>; readonly return: ReadonlyArray<number> }
}

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length

/** One policy's summary figures are what its per-episode records give, over `minEpisodes`..200 episodes. */
const expectSummaries = (name: string, p: Policy, minEpisodes: number): void => {
  expect(["random", "focus-fire"]).toContain(name)
  const e = p.per_episode
  expect(e.outcome.length).toBe(p.episodes)
  expect(e.length.length).toBe(p.episodes)
  expect(p.episodes).toBeGreaterThanOrEqual(minEpisodes)
  expect(p.episodes).toBeLessThanOrEqual(200)
  expect([...e.outcome].filter((c) => c === "W").length).toBe(p.wins)
  expect([...e.outcome].filter((c) => c === "T").length).toBe(p.timeouts)
  expect(p.win_rate).toBeCloseTo(p.wins / p.episodes, 12)
  expect(p.mean_length).toBeCloseTo(mean(e.length), 9)
  expect(p.mean_return).toBeCloseTo(mean(e.return), 3) // per-episode returns are stored rounded
}

describe("committed SMAClite measurements", () => {
  it("cover SMAClite's twelve maps, all of them SMAC-lite maps", () => {
    expect(files.map((f) => f.replace(/\.json$/, "")).sort()).toEqual(
      ["10m_vs_11m", "27m_vs_30m", "2c_vs_64zg", "2s3z", "2s_vs_1sc", "3s5z", "3s5z_vs_3s6z", "3s_vs_5z", "MMM", "MMM2", "bane_vs_bane", "corridor"]
    )
    for (const f of files) expect(BUILTIN_MAP_NAMES).toContain(f.replace(/\.json$/, ""))
  })

  it.each(files)("%s: provenance, and summaries equal to the per-episode records", (f) => {
    const d = JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, unknown> & { policies?: Record<string, Policy> }
    expect(d.smaclite_commit).toMatch(/^[0-9a-f]{40}$/)
    expect(typeof d.command).toBe("string")
    if (d.policies === undefined) {
      expect(String(d.status)).toMatch(/^not measured/) // 2c_vs_64zg: SMAClite crashes, and says so
      return
    }
    expect(typeof d.machine).toBe("string")
    for (const [name, p] of Object.entries(d.policies)) expectSummaries(name, p, 100)
  })

  // Our side: ours.json (the built-in maps as they are) and ours-body.json (every map with
  // wallContact "body", docs/smac-lite.md Not done): all twelve maps, 200 episodes per policy.
  it.each(ourFiles)("%s: our side, every map, summaries equal to the per-episode records", (f) => {
    const d = JSON.parse(readFileSync(join(dir, f), "utf8")) as { command: string; maps: Record<string, { wall_contact?: string; policies: Record<string, Policy> }> }
    expect(d.command).toMatch(/^node scripts\/smaclite\/ours\.ts /)
    expect(Object.keys(d.maps).sort()).toEqual(files.map((x) => x.replace(/\.json$/, "")).sort())
    for (const m of Object.values(d.maps)) {
      if (f === "ours-body.json") expect(m.wall_contact).toBe("body")
      for (const [name, p] of Object.entries(m.policies)) expectSummaries(name, p, 200)
    }
  })

  // The scratch-patch measurements (variants/<switches>/<map>.json): the same checks, at least 50
  // episodes (a 150 s budget cut some runs short; each file says how many), and each names its
  // switches in the commit field and in `variant`, matching its folder.
  const variantFiles = readdirSync(join(dir, "variants"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, "variants", d.name)).filter((f) => f.endsWith(".json")).map((f) => `${d.name}/${f}`))

  it("include scratch-patch measurements", () => {
    expect(variantFiles.length).toBeGreaterThanOrEqual(20)
  })

  it.each(variantFiles)("variants/%s: provenance, switches, and summaries equal to the per-episode records", (f) => {
    const d = JSON.parse(readFileSync(join(dir, "variants", f), "utf8")) as Record<string, unknown> & { policies: Record<string, Policy>; variant: Record<string, string> }
    expect(d.smaclite_commit).toMatch(/^[0-9a-f]{40}\+scratch patch \(SL_[A-Z_]+=1( SL_[A-Z_]+=1)*\)$/)
    const folder = f.split("/")[0]!.replace(/-random$/, "")
    const switches = Object.entries(d.variant).map(([k, v]) => `${k}-${v}`).sort()
    expect(switches).toEqual(folder.split(/_(?=SL_)/).sort())
    expect(BUILTIN_MAP_NAMES).toContain(String(d.map))
    for (const [name, p] of Object.entries(d.policies)) expectSummaries(name, p, 50)
  })

  // A trained policy played on SMAClite (policy/<run>-<switches>.json, scripts/smaclite/play_policy.py):
  // provenance, the switches its name gives, the network check it passed, and summaries (the
  // Python player's Wilson interval against ours) equal to its per-episode records.
  const policyFiles = readdirSync(join(dir, "policy")).filter((f) => f.endsWith(".json"))

  it.each(policyFiles)("policy/%s: provenance, switches, network check, and summaries equal to the per-episode records", (f) => {
    const d = JSON.parse(readFileSync(join(dir, "policy", f), "utf8")) as {
      run: string; source: string; map: string; smaclite: string | Record<string, string>; smaclite_commit: string; command: string
      episodes: number; wins: number; win_rate: number; win_rate_ci95: [number, number]; timeouts: number; losses: number
      mean_length: number; mean_return_s2: number; network_check_max_q_diff: number
      per_episode: { outcome: string; length: ReadonlyArray<number>; return: ReadonlyArray<number> }
    }
    expect(d.smaclite_commit).toMatch(/^[0-9a-f]{40}$/)
    expect(d.command).toMatch(/play_policy\.py /)
    expect(d.source).toMatch(/smac\/[0-9a-f]{64}$/) // the run's artifact, by digest
    expect(BUILTIN_MAP_NAMES).toContain(d.map)
    const switches = d.smaclite === "unpatched" ? ["unpatched"] : Object.entries(d.smaclite).map(([k, v]) => `${k}-${v}`).sort()
    expect(f.startsWith(`${d.run}-`)).toBe(true)
    expect(f.slice(d.run.length + 1, -".json".length).split(/_(?=SL_)/).sort()).toEqual(switches)
    expect(d.network_check_max_q_diff).toBeLessThanOrEqual(1e-4)
    const e = d.per_episode
    expect(e.outcome).toMatch(/^[WLT]+$/)
    expect(e.outcome.length).toBe(d.episodes)
    expect(e.length.length).toBe(d.episodes)
    const count = (c: string) => [...e.outcome].filter((x) => x === c).length
    expect([count("W"), count("T"), count("L")]).toEqual([d.wins, d.timeouts, d.losses])
    expect(d.win_rate).toBeCloseTo(d.wins / d.episodes, 12)
    const ci = wilsonInterval(d.wins, d.episodes)
    expect(d.win_rate_ci95[0]).toBeCloseTo(ci.lo, 12)
    expect(d.win_rate_ci95[1]).toBeCloseTo(ci.hi, 12)
    expect(d.mean_length).toBeCloseTo(mean(e.length), 9)
    expect(d.mean_return_s2).toBeCloseTo(mean(e.return), 3) // per-episode returns are stored rounded
  })

  it("docs/smac-lite.md's side-by-side table has a row for each map and side", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../docs/smac-lite.md"), "utf8")
    for (const f of files) {
      const map = f.replace(/\.json$/, "")
      expect(doc).toMatch(new RegExp(`\\| ${map}( \\*)? \\| random \\| ours \\|`))
      expect(doc).toMatch(new RegExp(`\\| ${map}( \\*)? \\| focus-fire \\| SMAClite \\|`))
    }
  })
})
