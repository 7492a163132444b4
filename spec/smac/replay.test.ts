/** Recording, summary and the replay page; the CLI's typed errors. */
import { NodeServices } from "@effect/platform-node"
import { Effect, Result } from "effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { Command } from "effect/cli"
import { smacCommand } from "../../src/cli/smac.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS, type BuiltinMapName } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { decodeRecording, recordEpisode, renderHtml, summarize } from "../../src/envs/smac/Replay.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { keepOnly, place } from "./scenario.ts"

describe("recording", () => {
  it("a one-step win by hand: frames, result and summary", () => {
    const env = makeEnv(BUILTIN_MAPS["3m"])
    const s = env.reset(streamState(0, ["spec"]))
    keepOnly(s, [0, 3])
    place(s, 0, 10, 16)
    place(s, 3, 15, 16)
    s.hp[3] = 6
    s.cooldown[3] = 100 // it cannot shoot back this step
    const rec = recordEpisode(env, s, (_, out) => out.set([6, 0, 0]), { seed: 0, policy: "scripted" })
    expect(rec.frames.length).toBe(2)
    expect(rec.frames[1]!.actions).toEqual([6, 0, 0])
    expect(rec.frames[1]!.fired[0]).toBe(3)
    expect(rec.result).toMatchObject({ battleWon: true, steps: 1, damageDealt: 6, damageTaken: 0, deadAllies: 2, deadEnemies: 3 })
    expect(summarize(rec)).toBe([
      "3m, seed 0, policy scripted",
      "Result: allies won after 1 step (0.5 game-seconds)",
      "Return: 11.84", // (6 + 10 + 200) / (365 / 20)
      "Damage dealt to enemies: 6.0 hp+shield (3/3 enemies killed)",
      "Damage taken by allies: 0.0 hp+shield (2/3 allies lost)"
    ].join("\n"))
  })

  it("round-trips through JSON, and the page is self-contained", () => {
    const env = makeEnv(BUILTIN_MAPS["2s3z"])
    const rec = recordEpisode(env, env.reset(streamState(5, ["spec"])), makePolicy(env, "focus-fire", stream(5, ["p"])), {
      seed: 5,
      policy: "focus-fire"
    })
    const back = decodeRecording(JSON.parse(JSON.stringify(rec)), "x.json")
    expect(Result.isSuccess(back) && back.success.frames.length).toBe(rec.frames.length)
    const html = renderHtml(rec)
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//)
    expect(html).toContain(`"format":"smac-lite-recording/1"`)
  })

  it("a malformed recording names the bad field", () => {
    const r = decodeRecording({ format: "smac-lite-recording/1", seed: "x" }, "bad.json")
    expect(Result.isFailure(r) && r.failure.message).toMatch(/bad\.json is not a SMAC-lite episode recording[\s\S]*\["seed"\]/)
  })
})

describe("fsv smac (CLI)", () => {
  const cli = (args: ReadonlyArray<string>) =>
    Effect.runPromise(
      Effect.result(Command.runWith(smacCommand, { version: "test" })(args)).pipe(Effect.provide(NodeServices.layer))
    )

  it("record then replay writes the JSON and the page", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smac-"))
    const file = join(dir, "ep.json")
    expect(Result.isSuccess(await cli(["record", "--map", "3m", "--seed", "2", "--policy", "random", "--out", file]))).toBe(true)
    expect(JSON.parse(readFileSync(file, "utf8")).map.name).toBe("3m")
    expect(Result.isSuccess(await cli(["replay", file]))).toBe(true)
    expect(readFileSync(join(dir, "ep.html"), "utf8")).toContain("<canvas")
  })

  it.each(["2c_vs_64zg", "2s_vs_1sc", "bane_vs_bane", "corridor", "6h_vs_8z", "so_many_baneling", "1c3s5z"])(
    "%s records by name and from a map file, and its page draws its units and terrain",
    async (name) => {
      const dir = mkdtempSync(join(tmpdir(), "smac-"))
      const mapFile = join(dir, `${name}-copy.json`)
      writeFileSync(mapFile, JSON.stringify(BUILTIN_MAPS[name as BuiltinMapName]))
      for (const [map, out] of [[name, "by-name.json"], [mapFile, "from-file.json"]] as const) {
        expect(Result.isSuccess(await cli(["record", "--map", map, "--seed", "3", "--policy", "focus-fire", "--out", join(dir, out)]))).toBe(true)
      }
      // A map file is the same map: the same episode.
      expect(readFileSync(join(dir, "from-file.json"), "utf8")).toBe(readFileSync(join(dir, "by-name.json"), "utf8"))
      expect(Result.isSuccess(await cli(["replay", join(dir, "by-name.json")]))).toBe(true)
      const page = readFileSync(join(dir, "by-name.html"), "utf8")
      // The page's letter table covers every unit type of the map, and it draws terrain rows when the map has them.
      const letters = JSON.parse(page.match(/const letters = (\{[^}]*\})/)![1]!.replace(/(\w+):/g, '"$1":')) as Record<string, string>
      for (const t of makeEnv(BUILTIN_MAPS[name as BuiltinMapName]).world.types) expect(letters[t.name]).toMatch(/^\w$/)
      expect(page).toContain("map.terrain || []")
    },
    60_000
  )

  it("fails with typed errors: unknown map, missing file, malformed JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smac-"))
    const bad = join(dir, "bad.json")
    writeFileSync(bad, "{ not json")
    const tags = await Promise.all([
      cli(["record", "--map", "4m", "--out", join(dir, "x.json")]),
      cli(["replay", join(dir, "missing.json")]),
      cli(["replay", bad]),
      cli(["record", "--map", bad])
    ])
    expect(tags.map((r) => (Result.isFailure(r) ? (r.failure as { _tag: string })._tag : "ok"))).toEqual([
      "UnknownMap",
      "FileUnreadable",
      "FileUnreadable",
      "FileUnreadable"
    ])
  })
})
