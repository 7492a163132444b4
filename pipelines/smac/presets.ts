/**
 * Named training recipes for `fsv reproduce smac --preset NAME`: JSON merged over the default
 * config before `--config` (so a file can still change any field), one recipe for all four
 * learners, as Figure 4 compares them. Every value names its source.
 *
 * - `pymarl`: the SMAC paper's setup: PyMARL's values (oxwhirl/pymarl src/config/default.yaml
 *   and algs/*.yaml, which today's defaults already carry) with its update ratio, one
 *   environment and one update of 32 episodes per episode. oxwhirl/pymarl a8f171b (2019-12-01,
 *   "Updating config files to SMAC v1 settings. The biggest change is using the episode
 *   runner...") sets `runner: "episode"` in algs/qmix.yaml, vdn.yaml and qtran.yaml, with
 *   default.yaml's `batch_size_run: 1`, and src/run.py calls `learner.train` once per
 *   `runner.run` (one episode) once the buffer holds a batch. It was named
 *   `pymarl-episode` before the rename described in docs/results/README.md.
 * - `pymarl-quarter`: today's defaults, so it changes nothing: PyMARL's values except the update
 *   ratio. The defaults step 8 environments and update twice per 8 episodes
 *   (`defaultSmacConfig`), a quarter of PyMARL's updates per environment step, chosen for cost.
 *   It was named `pymarl` until the SMAC paper's setup took
 *   that name: the runs committed under it (docs/results/*-pymarl-quarter.json) were made with
 *   `--preset pymarl` at their commits (docs/results/README.md).
 * - `pymarl2`: pymarl2's fine-tuned QMIX, hijkzzz/pymarl2 src/config/algs/qmix.yaml at 0e8fae1:
 *   `optimizer: 'adam'`, `lr: 0.001`, `td_lambda: 0.6`, `batch_size: 128`, `buffer_size: 5000`,
 *   `target_update_interval: 200`, `batch_size_run: 4` (its parallel runner: one update per run),
 *   `epsilon_anneal_time: 100000`, `mixing_embed_dim: 32`, `hypernet_embed: 64`.
 * - `fsv-authors`: what the FSV/FOP authors' released code does where the paper is silent,
 *   PKU-RL/FOP-DMAC-MACPF at 1c9d35f: src/config/algs/fop.yaml (`td_lambda: 0.8`, `lr: 0.0005`
 *   with RMSProp, `n_head: 4`, `runner: "episode"` (one environment, one update per episode),
 *   `buffer_size: 5000`, `target_update_interval: 200`) and src/learners/fop_learner.py
 *   (`alpha = max(0.05, 0.5 - t_env / 200000)`, which is exactly α linear from 0.5 to 0.05 over
 *   90,000 steps). Their code subtracts α log π after the λ-return; here the entropy term is
 *   inside it (docs/smac-train.md).
 */
import { defaultSmacConfig, PAPER_BUDGET, type SmacConfig } from "./stage.ts"

export const SMAC_PRESETS = ["pymarl", "pymarl-quarter", "pymarl2", "fsv-authors"] as const
export type SmacPreset = (typeof SMAC_PRESETS)[number]

type Json = { readonly [key: string]: Json } | ReadonlyArray<Json> | string | number | boolean | null

/** The same training fields for every learner. */
const allLearners = (fields: { readonly [key: string]: Json }): Json => ({ vdn: fields, qmix: fields, qtran: fields, fsv: fields })

const pymarl2Training = { optimizer: "adam", lr: 0.001, tdLambda: 0.6, batchSize: 128, bufferSize: 5000, targetUpdateEpisodes: 200 } as const
const authorsTraining = { optimizer: "rmsprop", lr: 0.0005, tdLambda: 0.8, bufferSize: 5000, targetUpdateEpisodes: 200 } as const

/** The overrides of each preset, to merge over `defaultSmacConfig`. */
export const smacPresets: Readonly<Record<SmacPreset, Json>> = {
  pymarl: { run: { envs: 1, updatesPerRun: 1 } },
  "pymarl-quarter": {},
  pymarl2: {
    run: { envs: 4, updatesPerRun: 1, epsilonAnnealSteps: 100_000 },
    learners: {
      ...(allLearners(pymarl2Training) as { readonly [key: string]: Json }),
      qmix: { ...pymarl2Training, mixingEmbed: 32, hypernetEmbed: 64 }
    }
  },
  "fsv-authors": {
    run: { envs: 1, updatesPerRun: 1 },
    learners: {
      ...(allLearners(authorsTraining) as { readonly [key: string]: Json }),
      fsv: { ...authorsTraining, heads: 4, alphaStart: 0.5, alphaFinish: 0.05, alphaAnnealSteps: 90_000 }
    }
  }
}

/** A plain JSON object (not null, not an array). */
const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x)

/** `base` with `over` merged in: plain objects key by key, any other value replaces. */
export const mergeJson = (base: unknown, over: unknown): unknown => {
  if (!isObject(base) || !isObject(over)) return over
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeJson(base[k], v) : v
  return out
}

/** The default config at `steps` per run with `preset` merged over it (what `--preset` starts from). */
export const smacPresetConfig = (steps: number, preset: SmacPreset): SmacConfig =>
  mergeJson(defaultSmacConfig(steps), smacPresets[preset]) as SmacConfig

/**
 * Where a run's config (a smac artifact's `stage.json` config, of any commit) departs from
 * `preset`: each training field (`run.*` but the budget, `learners.*.*`) the preset's config
 * gives and the run's config also has, with a different value, as "path: run value, preset
 * value". Fields the run's config lacks (added after its commit) are not compared. Empty when
 * the run is the preset's recipe. `npm run results -- record` uses it so a committed run's label
 * cannot name a recipe it did not use.
 */
export const presetDifferences = (config: unknown, preset: SmacPreset): Array<string> => {
  const run = isObject(config) ? config : {}
  const steps = isObject(run.run) && typeof run.run.steps === "number" ? run.run.steps : PAPER_BUDGET
  // At the run's budget: the defaults' test interval follows it.
  const expected = smacPresetConfig(steps, preset) as unknown as Record<string, unknown>
  const out: Array<string> = []
  const walk = (path: string, want: unknown, got: unknown): void => {
    if (isObject(want) && isObject(got)) {
      for (const k of Object.keys(want)) if (k in got) walk(path === "" ? k : `${path}.${k}`, want[k], got[k])
    } else if (JSON.stringify(want) !== JSON.stringify(got)) {
      out.push(`${path}: the run has ${JSON.stringify(got)}, ${preset} sets ${JSON.stringify(want)}`)
    }
  }
  const { steps: _steps, ...wantRun } = expected.run as Record<string, unknown>
  walk("run", wantRun, run.run)
  walk("learners", expected.learners, run.learners)
  return out
}
