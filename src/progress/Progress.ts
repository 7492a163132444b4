/**
 * Progress for long runs, on stderr. A service so that tests and library users can
 * silence or capture it; the calls are plain synchronous functions, cheap enough for hot
 * loops (rendering is throttled).
 */
import { Context, Layer } from "effect"

export interface ProgressTask {
  /** Set the number of units done, with an optional short status (e.g. "win 0.41"). */
  readonly update: (done: number, detail?: string) => void
  /** Mark finished (prints a final line). */
  readonly done: (detail?: string) => void
  /**
   * `n` more units were done before this process (work resumed from a checkpoint): they count
   * towards `done` but not towards the rate, so the rate and the time left stay honest.
   */
  readonly skip?: (n: number) => void
}

export interface ProgressShape {
  readonly task: (label: string, total: number, unit?: string) => ProgressTask
  readonly log: (line: string) => void
}

const silentTask: ProgressTask = { update: () => {}, done: () => {} }

const formatSeconds = (s: number): string =>
  !Number.isFinite(s) ? "?" : s < 90 ? `${s.toFixed(0)}s` : s < 5400 ? `${(s / 60).toFixed(1)}m` : `${(s / 3600).toFixed(1)}h`

/** Renders to a writable stream: redraws one line on a TTY, prints every few seconds otherwise. */
export const makeStreamProgress = (
  out: { write: (s: string) => unknown; isTTY?: boolean },
  now: () => number = () => performance.now()
): ProgressShape => {
  const interval = out.isTTY ? 250 : 5000
  return {
    log: (line) => {
      out.write(`${line}\n`)
    },
    task: (label, total, unit = "steps") => {
      const start = now()
      let last = -Infinity
      let skipped = 0
      const line = (done: number, detail?: string): string => {
        const elapsed = (now() - start) / 1000
        const rate = Math.max(0, done - skipped) / Math.max(elapsed, 1e-9)
        const left = total > done && rate > 0 ? (total - done) / rate : 0
        const pct = total > 0 ? ((100 * done) / total).toFixed(0).padStart(3) : "  ?"
        return `${label} ${pct}% ${done}/${total} ${unit} · ${rate.toFixed(rate < 10 ? 2 : 0)} ${unit}/s · ` +
          `${formatSeconds(elapsed)} elapsed, ~${formatSeconds(left)} left${detail ? ` · ${detail}` : ""}`
      }
      return {
        update: (done, detail) => {
          const t = now()
          if (t - last < interval) return
          last = t
          out.write(out.isTTY ? `\r\x1b[2K${line(done, detail)}` : `${line(done, detail)}\n`)
        },
        done: (detail) => {
          out.write(`${out.isTTY ? "\r\x1b[2K" : ""}${line(total, detail)}\n`)
        },
        skip: (n) => {
          skipped += n
        }
      }
    }
  }
}

export class Progress extends Context.Service<Progress, ProgressShape>()("fsv/progress/Progress") {
  /** Progress lines on stderr. */
  static readonly stderr: Layer.Layer<Progress> = Layer.sync(Progress, () => makeStreamProgress(process.stderr))
  /** No output (tests, library use). */
  static readonly silent: Layer.Layer<Progress> = Layer.succeed(Progress, {
    task: () => silentTask,
    log: () => {}
  })
}
