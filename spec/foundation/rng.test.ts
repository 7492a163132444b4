import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Rng, Stream, stream, streamState, withStream } from "../../src/rng/Rng.ts"

describe("seeded streams", () => {
  it("the same (root, path) gives the same stream, in this process and in another", () => {
    const a = stream(3, ["train", "qmix", "seed 3", "init"])
    const xs = Array.from({ length: 5 }, () => a.float())
    const b = stream(3, ["train", "qmix", "seed 3", "init"])
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(xs)
    const code = `import { stream } from ${JSON.stringify(join(import.meta.dirname, "../../src/rng/Rng.ts"))};` +
      `const s = stream(3, ["train", "qmix", "seed 3", "init"]);` +
      `console.log(JSON.stringify(Array.from({ length: 5 }, () => s.float())))`
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" })
    expect(child.status).toBe(0)
    expect(JSON.parse(child.stdout)).toEqual(xs)
  })

  it("different labels or roots give different streams", () => {
    const first = (root: number, path: string[]) => stream(root, path).uint32()
    const values = new Set([
      first(3, ["a"]), first(3, ["b"]), first(4, ["a"]), first(3, ["a", "x"]), first(3, ["ax"])
    ])
    expect(values.size).toBe(5)
  })

  it("state is data: a stream resumed from its state continues exactly where it was", () => {
    const s = stream(1, ["resume"])
    s.float()
    s.int(7)
    const saved = s.state()
    const rest = Array.from({ length: 4 }, () => s.uint32())
    const resumed = new Stream(saved)
    expect(Array.from({ length: 4 }, () => resumed.uint32())).toEqual(rest)
    const [v, next] = withStream(saved, (t) => t.uint32())
    expect(v).toBe(rest[0])
    expect(new Stream(next).uint32()).toBe(rest[1])
    // JSON round trip keeps it
    expect(new Stream(JSON.parse(JSON.stringify(saved))).uint32()).toBe(rest[0])
  })

  it("draws have the right ranges and roughly the right moments", () => {
    const s = stream(11, ["moments"])
    const n = 20000
    let sum = 0
    let sq = 0
    const counts = [0, 0, 0, 0, 0, 0, 0]
    for (let i = 0; i < n; i++) {
      const u = s.float()
      expect(u >= 0 && u < 1).toBe(true)
      const z = s.normal()
      sum += z
      sq += z * z
      counts[s.int(7)]!++
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03) // mean 0, std error 0.007
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05) // variance 1
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(200) // ±5 sd
    const tf = Array.from({ length: 1000 }, () => s.tfSeed())
    expect(tf.every((x) => Number.isInteger(x) && x >= 1 && x <= 2147483646)).toBe(true)
  })

  it("categorical follows its weights and shuffle is a permutation", () => {
    const s = stream(5, ["categorical"])
    const counts = [0, 0, 0]
    for (let i = 0; i < 30000; i++) counts[s.categorical([1, 0, 3])]!++
    expect(counts[1]).toBe(0)
    expect(Math.abs(counts[2]! / 30000 - 0.75)).toBeLessThan(0.015)
    expect(s.shuffle([0, 1, 2, 3, 4, 5]).sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(() => s.categorical([0, 0])).toThrow(RangeError)
  })

  it("the Rng service hands out streams of the layer's root seed", () => {
    const [v, state] = Effect.runSync(
      Effect.gen(function*() {
        const rng = yield* Rng
        return [rng.stream(["x"]).uint32(), rng.state(["x"])] as const
      }).pipe(Effect.provide(Rng.layer(9)))
    )
    expect(v).toBe(stream(9, ["x"]).uint32())
    expect(state).toEqual(streamState(9, ["x"]))
  })
})

describe("no hidden randomness", () => {
  it("Math.random appears nowhere in src/, pipelines/ or bin/", () => {
    const root = join(import.meta.dirname, "../..")
    const offenders: Array<string> = []
    for (const dir of ["src", "pipelines", "bin"]) {
      let files: Array<string> = []
      try {
        files = readdirSync(join(root, dir), { recursive: true }) as Array<string>
      } catch {
        continue
      }
      for (const f of files.filter((f) => /\.(ts|js|mjs)$/.test(f))) {
        const text = readFileSync(join(root, dir, f), "utf8")
        if (/Math\s*\.\s*random/.test(text)) offenders.push(join(dir, f))
      }
    }
    expect(offenders).toEqual([])
  })
})
