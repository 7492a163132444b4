/**
 * The paper's theory, checked by machine, as a stage: every property of `src/theory` on
 * generated cases, plus controls — deliberately wrong variants that the same checks must
 * reject. The artifact holds the table as `theory.md` and `theory.json`.
 */
import { Effect, Schema } from "effect"
import { elu, qmixMix, vdnMix } from "../../src/core/mixers.ts"
import { qTotFactored } from "../../src/core/factorization.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { defineStage } from "../../src/store/Stage.ts"
import {
  checkIgm,
  checkMonotonicity,
  checkTheorem1,
  type CheckReport,
  type Factorization,
  fsvFactorization,
  type Mixer
} from "../../src/theory/index.ts"

export const TheoryConfig = Schema.Struct({
  /** Generated cases per property. */
  runs: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Root seed: each property's fast-check seed and fixed mixer weights derive from it. */
  seed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type TheoryConfig = typeof TheoryConfig.Type

export interface TheoryRow {
  readonly property: string
  readonly reference: string
  /** "holds" for the paper's properties; "rejected" for the controls. */
  readonly expected: "holds" | "rejected"
  readonly cases: number
  readonly result: "holds" | "rejected"
  readonly asExpected: boolean
  readonly counterexample: unknown
}

/** QMIX's mixer with hypernetwork outputs drawn once (E = 8); `abs` off is the broken control. */
const fixedQmix = (n: number, seed: number, abs: boolean) => {
  const s = stream(seed, ["theory", "qmix weights", `n ${n}`])
  const E = 8
  const w1 = Array.from({ length: n }, () => Array.from({ length: E }, () => s.normal()))
  const b1 = Array.from({ length: E }, () => s.normal())
  const w2 = Array.from({ length: E }, () => s.normal())
  const b2 = s.normal()
  // qmixMix takes |W| itself. The control is the same network with signed weights.
  return (q: ReadonlyArray<number>): number => {
    if (abs) return qmixMix({ q, w1, b1, w2, b2 })
    const hidden = b1.map((b, e) => elu(q.reduce((acc, qi, i) => acc + qi * w1[i]![e]!, b)))
    return hidden.reduce((acc, h, e) => acc + h * w2[e]!, b2)
  }
}

/**
 * FSV's factorization (Eq. 7) in the greedy limit: V_i = max Q_i, V_tot = Σ w_i V_i + b with
 * w ≥ 0, and λ_i(u) > 0 an arbitrary positive function of the joint action (Theorem 2).
 */
const fsvMixer = (seed: number): Mixer => {
  const s = stream(seed, ["theory", "fsv weights"])
  const salt = s.uint32()
  return (chosen, { qs, actions }) => {
    const v = qs.map((q) => Math.max(...q))
    const lambda = chosen.map((_, i) => {
      // a positive λ that depends on the whole joint action: 0.1 + frac(hash)·5
      let h = (salt ^ (i * 2654435761)) >>> 0
      for (const a of actions) h = Math.imul(h ^ (a + 1), 2246822519) >>> 0
      return 0.1 + (h / 4294967296) * 5
    })
    const vTot = v.reduce((acc, vi, i) => acc + (0.5 + i) * vi, 0.3)
    return qTotFactored({ lambda, q: chosen, v, vTot })
  }
}

/** Theorem 1 with the weights inverted, λ = α_i/α: a plausible slip the check must reject. */
const invertedLambda: Factorization = ({ alpha, alphas, q, v, vTot }) =>
  qTotFactored({ lambda: alphas.map((ai) => ai / alpha), q, v, vTot })

const row = <C>(
  property: string,
  reference: string,
  expected: "holds" | "rejected",
  report: CheckReport<C>
): TheoryRow => {
  const result = report.ok ? "holds" : "rejected"
  return {
    property,
    reference,
    expected,
    cases: report.cases,
    result,
    asExpected: result === expected,
    counterexample: report.ok ? null : (report.counterexample ?? { input: report.input, error: String(report.error) })
  }
}

/** Run every check. Pure given the config (fast-check runs from fixed seeds). */
export const theoryTable = (config: TheoryConfig): Array<TheoryRow> => {
  const seedFor = (label: string) => streamState(config.seed, ["theory", "fast-check", label])[0]
  const runs = config.runs
  const small = { agents: { min: 2, max: 4 }, actions: { min: 2, max: 5 }, runs }
  const qmix3 = fixedQmix(3, config.seed, true)
  return [
    row("IGM holds for VDN (Q_tot = Σ Q_i)", "Eq. 1–2", "holds",
      checkIgm((q) => vdnMix(q), { ...small, seed: seedFor("igm vdn") })),
    row("IGM holds for QMIX (non-negative mixing weights)", "Eq. 1–2", "holds",
      checkIgm((q) => qmix3(q), { ...small, agents: 3, seed: seedFor("igm qmix") })),
    row("IGM holds for FSV's factorization with any λ_i > 0", "Theorem 2, Eq. 7", "holds",
      checkIgm(fsvMixer(config.seed), { ...small, seed: seedFor("igm fsv") })),
    row("IGO energy policies factorize with λ*_i = α/α_i", "Theorem 1, Eq. 6", "holds",
      checkTheorem1(fsvFactorization, { ...small, seed: seedFor("theorem 1") })),
    row("QMIX's mixer is monotone in every Q_i", "Eq. 2", "holds",
      checkMonotonicity((q) => qmix3(q), { agents: 3, runs, seed: seedFor("monotone qmix") })),
    row("VDN is monotone in every Q_i", "Eq. 2", "holds",
      checkMonotonicity((q) => vdnMix(q), { agents: { min: 2, max: 6 }, runs, seed: seedFor("monotone vdn") })),
    row("control: Q_1 + Q_2 − 2·Q_1·Q_2 on [0, 1] violates IGM", "Eq. 1", "rejected",
      checkIgm((q) => q[0]! + q[1]! - 2 * q[0]! * q[1]!, {
        agents: 2, actions: { min: 2, max: 4 }, values: { min: 0, max: 1 }, runs, seed: seedFor("igm control")
      })),
    row("control: Theorem 1 with λ = α_i/α fails", "Theorem 1", "rejected",
      checkTheorem1(invertedLambda, { ...small, seed: seedFor("theorem 1 control") })),
    row("control: QMIX without abs() on its weights is not monotone", "Eq. 2", "rejected",
      checkMonotonicity(fixedQmix(3, config.seed, false), { agents: 3, runs, seed: seedFor("monotone control") }))
  ]
}

const compact = (x: unknown): string => {
  const round = (v: unknown): unknown =>
    typeof v === "number" ? Number(v.toPrecision(4)) : Array.isArray(v) ? v.map(round)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, round(w)])) : v
  const s = JSON.stringify(round(x))
  return s.length > 160 ? `${s.slice(0, 157)}…` : s
}

export const renderTheoryTable = (rows: ReadonlyArray<TheoryRow>): string => {
  const head = "| property | reference | expected | cases | result | counterexample |\n|---|---|---|---:|---|---|\n"
  return head + rows.map((r) =>
    `| ${r.property} | ${r.reference} | ${r.expected} | ${r.cases} | ${r.asExpected ? "✓" : "✗"} ${r.result} | ` +
    `${r.counterexample === null ? "" : "`" + compact(r.counterexample).replaceAll("|", "\\|") + "`"} |`
  ).join("\n") + "\n"
}

export const theoryStage = defineStage({
  name: "theory",
  version: 1,
  description: "the paper's theory (IGM, Theorems 1–2, monotonicity) checked on generated cases, with controls",
  config: TheoryConfig,
  run: (config) =>
    Effect.sync(() => {
      const rows = theoryTable(config)
      const md = `# The paper's theory, checked\n\n${config.runs} generated cases per property, root seed ${config.seed}. ` +
        `Rows marked "control" are deliberately wrong variants that the same check must reject.\n\n` +
        renderTheoryTable(rows)
      return {
        "theory.json": JSON.stringify({ experiment: "theory", runs: config.runs, seed: config.seed, rows }, null, 2) + "\n",
        "theory.md": md
      }
    })
})
