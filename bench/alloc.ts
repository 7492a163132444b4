/**
 * `npm run bench -- alloc [--mb 1,46]`: what a first touch of fresh memory costs on this machine,
 * the reason for src/runtime/allocator.ts. For each size: filling a fresh Float32Array (new pages,
 * faulted in and zero-filled by the kernel when glibc maps them) against filling one reused
 * array, medians of 20, and the cost per 4 KB page that the difference implies. Run it as
 * `FSV_MALLOC=system npm run bench -- alloc` to see glibc's defaults, and without to see the
 * settings `fsv` runs with (under which fresh blocks come from the kept heap).
 */
import { flag, median } from "./_util.ts"

export async function run(args: ReadonlyArray<string>): Promise<void> {
  const sizes = (flag(args, "mb") ?? "1,46").split(",").map(Number)
  process.stdout.write(`GLIBC_TUNABLES=${process.env["GLIBC_TUNABLES"] ?? "(unset)"}\n`)
  for (const mb of sizes) {
    const n = Math.round((mb * 1024 * 1024) / 4)
    const fill = (a: Float32Array) => {
      for (let k = 0; k < a.length; k++) a[k] = k & 1 ? 0 : -1e30
      return a
    }
    const reused = new Float32Array(n)
    const fresh: Array<number> = []
    const again: Array<number> = []
    for (let r = 0; r < 22; r++) {
      let t0 = performance.now()
      fill(new Float32Array(n))
      if (r >= 2) fresh.push(performance.now() - t0)
      t0 = performance.now()
      fill(reused)
      if (r >= 2) again.push(performance.now() - t0)
    }
    const [f, a] = [median(fresh), median(again)]
    process.stdout.write(`  ${String(mb).padStart(4)} MB: fresh ${f.toFixed(2)} ms, reused ${a.toFixed(2)} ms, ${(((f - a) * 1000) / (n / 1024)).toFixed(1)} µs per 4 KB page more\n`)
  }
}
