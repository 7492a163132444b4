/**
 * The shape of the tree (docs/architecture.md), checked on the source text:
 *
 * - arrows one way: each area of src/ and pipelines/ imports only the areas listed for it
 *   below (CLI → experiments → learners → nn → core, services beside them);
 * - no learner imports another algorithm's folder, no experiment another experiment's;
 * - no name is exported by two modules (index.ts files, which only re-export, aside);
 * - no file is over 400 lines unless it is listed here with its reason.
 *
 * The rules are written out here, not read from the code, so that a change that breaks one
 * fails this file; the planted violations at the end show that each check can fail.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

const ROOT = resolve(import.meta.dirname, "..")

/** Every .ts file below `dir`, relative to the root. */
const sources = (dir: string): Array<string> =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  )

const FILES = [...sources("src"), ...sources("pipelines")]

/**
 * The area of a file: `src/<folder>`, `pipelines/<experiment>`, or the package roots
 * (`src/index.ts`, `pipelines/index.ts`, `pipelines/stages.ts`), which gather and re-export.
 */
const areaOf = (file: string): string => {
  const parts = file.split("/")
  if (parts.length === 2) return parts[0] === "src" ? "src (package root)" : "pipelines (registry)"
  return `${parts[0]}/${parts[1]}`
}

const SERVICES = ["src/rng", "src/backend", "src/progress", "src/store", "src/runtime", "src/report", "src/sweep"]
const EXPERIMENT_DEPS = ["src/core", "src/nn", "src/envs", "src/learners", "src/theory", ...SERVICES]

/** What each area may import besides itself. Layers, bottom up, then services, then the top. */
const ALLOWED: Readonly<Record<string, ReadonlyArray<string>>> = {
  "src/core": [],
  "src/rng": [],
  "src/backend": [],
  "src/progress": [],
  "src/report": [],
  "src/nn": ["src/core", "src/rng"],
  "src/envs": ["src/core", "src/rng"],
  "src/theory": ["src/core", "src/rng"],
  "src/learners": ["src/core", "src/nn", "src/rng"],
  "src/store": ["src/backend", "src/progress"],
  "src/runtime": ["src/backend"],
  "src/sweep": ["src/store", "src/runtime", "src/report", "src/progress", "src/backend"],
  "src/dashboard": ["src/store", "src/sweep", "src/report"],
  "pipelines/matrix": EXPERIMENT_DEPS,
  "pipelines/quadratics": EXPERIMENT_DEPS,
  "pipelines/smac": EXPERIMENT_DEPS,
  "pipelines/theory": EXPERIMENT_DEPS,
  "pipelines (registry)": ["pipelines/matrix", "pipelines/quadratics", "pipelines/smac", "pipelines/theory", ...EXPERIMENT_DEPS],
  "src/cli": ["src/dashboard", "pipelines (registry)", "pipelines/matrix", "pipelines/quadratics", "pipelines/smac", "pipelines/theory", ...EXPERIMENT_DEPS],
  "src (package root)": ["pipelines (registry)", ...EXPERIMENT_DEPS]
}

/** Relative module specifiers of a file's static imports and re-exports. */
const importsOf = (text: string): Array<string> =>
  [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gms)].map((m) => m[1]!)

/** "a imports b" for every import of `file` that leaves its area and is not allowed. */
const badArrows = (file: string, text: string): Array<string> => {
  const from = areaOf(file)
  const allowed = ALLOWED[from]
  if (allowed === undefined) return [`${file}: its area ${from} has no rule in spec/architecture.test.ts`]
  return importsOf(text).flatMap((spec) => {
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
    const to = areaOf(target)
    return to === from || allowed.includes(to) ? [] : [`${file} → ${target} (${from} may not import ${to})`]
  })
}

/** Imports from one algorithm's folder of src/learners into another's. */
const crossLearner = (file: string, text: string): Array<string> => {
  const m = /^src\/learners\/([^/]+)\//.exec(file)
  if (!m) return []
  return importsOf(text).flatMap((spec) => {
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
    const t = /^src\/learners\/([^/]+)\//.exec(target)
    return t && t[1] !== m[1] ? [`${file} → ${target}`] : []
  })
}

/** Names a module declares and exports (not re-exports). */
const exportedNames = (text: string): Array<string> => [
  ...new Set(
    [...text.matchAll(/^export\s+(?:declare\s+)?(?:const|let|function\*?|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!)
  )
]

/** Files allowed over 400 lines, and why. */
const LONG_FILES: Readonly<Record<string, string>> = {}

const text = new Map(FILES.map((f) => [f, readFileSync(join(ROOT, f), "utf8")]))

describe("the tree's shape (docs/architecture.md)", () => {
  it("every import points down the layers or to a service: no back arrow", () => {
    expect(FILES.flatMap((f) => badArrows(f, text.get(f)!))).toEqual([])
  })

  it("no learner imports another algorithm's folder; no experiment imports another", () => {
    expect(FILES.flatMap((f) => crossLearner(f, text.get(f)!))).toEqual([])
    // experiments: covered by ALLOWED (no pipelines/<x> lists another pipelines/<y>)
    for (const [area, deps] of Object.entries(ALLOWED)) {
      if (area.startsWith("pipelines/")) expect(deps.filter((d) => d.startsWith("pipelines")), area).toEqual([])
    }
  })

  it("no name is exported by two modules (index.ts files re-export and are not counted)", () => {
    const owners = new Map<string, Array<string>>()
    for (const f of FILES.filter((f) => !f.endsWith("index.ts"))) {
      for (const name of exportedNames(text.get(f)!)) owners.set(name, [...(owners.get(name) ?? []), f])
    }
    expect([...owners].filter(([, fs]) => fs.length > 1).map(([n, fs]) => `${n}: ${fs.join(", ")}`)).toEqual([])
  })

  it("no file is over 400 lines unless listed with its reason", () => {
    const long = FILES.filter((f) => text.get(f)!.split("\n").length > 400 && !(f in LONG_FILES))
    expect(long).toEqual([])
  })

  it("each check fails on a planted violation", () => {
    expect(badArrows("src/learners/fsv/x.ts", 'import { a } from "../../../pipelines/smac/train.ts"\n')).toHaveLength(1)
    expect(badArrows("src/sweep/x.ts", 'import { a } from "../../pipelines/matrix/report.ts"\n')).toHaveLength(1)
    expect(badArrows("pipelines/smac/x.ts", 'import type { a } from "../matrix/train.ts"\n')).toHaveLength(1)
    expect(badArrows("src/nn/x.ts", 'export { a } from "../learners/Learner.ts"\n')).toHaveLength(1)
    expect(badArrows("src/learners/fsv/x.ts", 'import {\n  a,\n  b\n} from "../../nn/dense.ts"\n')).toEqual([])
    expect(crossLearner("src/learners/qtran/x.ts", 'import { a } from "../qmix/mixer.ts"\n')).toHaveLength(1)
    expect(crossLearner("src/learners/qtran/x.ts", 'import { a } from "./joint.ts"\n')).toEqual([])
    expect(exportedNames("export const a = 1\nexport type a = number\nexport interface B {}\nconst c = 2\n")).toEqual(["a", "B"])
  })
})
