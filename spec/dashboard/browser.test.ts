/**
 * `fsv dashboard` end to end: real artifacts made by the CLI (two matrix reproductions that
 * differ only in their step budget, and a SMAC-lite run with its replay page), a SMAC run in
 * progress written through the trainer's own live-run writer, the dashboard started as a user
 * starts it, and the page driven in headless Chromium (Debian's package, through
 * playwright-core). Expected values come from the artifacts' files, not from the dashboard.
 *
 * Skipped where no Chromium is installed, unless FSV_REQUIRE_BROWSER=1 (CI sets it), which
 * turns a missing browser into a failure. The screenshot lands in test-output/dashboard.png.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LiveRuns, type LiveRunsShape } from "../../src/store/Live.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const NODE = join(ROOT, "node_modules", "node", "bin", "node")
const CLI = join(ROOT, "src", "cli", "main.ts")
const CHROMIUM = process.env.FSV_CHROMIUM ?? "/usr/bin/chromium"
const REQUIRED = process.env.FSV_REQUIRE_BROWSER === "1"
const SCREENSHOT = join(ROOT, "test-output", "dashboard.png")

/** Run the CLI to completion; its stdout. */
const fsv = (args: ReadonlyArray<string>): Promise<string> =>
  new Promise((ok, fail) => {
    const child = spawn(NODE, [CLI, ...args], { cwd: ROOT, env: { ...process.env, FSV_THREADS: "1" } })
    let out = ""
    let err = ""
    child.stdout.on("data", (d) => (out += d))
    child.stderr.on("data", (d) => (err += d))
    child.on("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`fsv ${args.join(" ")} exited ${code}:\n${err.slice(-2000)}`))))
  })

/** The one artifact directory of `stage` whose stage.json has config.steps === steps (or the only one). */
const artifactOf = async (store: string, stage: string, pick: (key: { config: Record<string, unknown> }) => boolean) => {
  for (const digest of await readdir(join(store, stage))) {
    const key = JSON.parse(await readFile(join(store, stage, digest, "stage.json"), "utf8"))
    if (pick(key)) return { id: `${stage}/${digest}`, dir: join(store, stage, digest) }
  }
  throw new Error(`no ${stage} artifact matches`)
}

/** A raw GET (no URL normalisation, so `..` reaches the server as typed): status code. */
const rawGet = (base: URL, path: string): Promise<number> =>
  new Promise((ok, fail) => {
    const req = request({ host: base.hostname, port: base.port, path, method: "GET" }, (res) => {
      res.resume()
      ok(res.statusCode ?? 0)
    })
    req.on("error", fail)
    req.end()
  })

const LIVE_KEY = "0".repeat(64)
const LIVE_NAME = "qmix-3m-seed7"
const livePoint = (k: number) => ({ t: 1000 * k, winRate: k / 10, return: 2 * k })

describe.skipIf(!existsSync(CHROMIUM) && !REQUIRED)("fsv dashboard in headless Chromium", () => {
  let store = ""
  let server: ChildProcess | undefined
  let serverLog = ""
  let base: URL
  let browser: Browser | undefined
  let page: Page
  let smac: { id: string; dir: string }
  let short: { id: string }
  let long: { id: string }
  const liveRow = () => page.locator(`[data-testid=live][data-id='live/${LIVE_KEY}/${LIVE_NAME}']`)
  const live = (effect: (l: LiveRunsShape) => Effect.Effect<void>) =>
    Effect.runPromise(Effect.gen(function*() {
      yield* effect(yield* LiveRuns)
    }).pipe(Effect.provide(LiveRuns.files(store))))

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`FSV_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`)
    store = await mkdtemp(join(tmpdir(), "fsv-dashboard-"))
    await Promise.all([
      fsv(["reproduce", "matrix", "--seeds", "2", "--steps", "200", "--store", store]),
      fsv(["reproduce", "matrix", "--seeds", "2", "--steps", "300", "--store", store])
    ])
    // Last, so it is the newest artifact: the page opens on it.
    await fsv(["reproduce", "smac", "--maps", "3m", "--algos", "qmix", "--seeds", "0", "--budget", "2000", "--store", store])
    short = await artifactOf(store, "matrix", (k) => k.config.steps === 200)
    long = await artifactOf(store, "matrix", (k) => k.config.steps === 300)
    smac = await artifactOf(store, "smac", () => true)
    // A run in progress: three evaluations so far, written as the trainer writes them.
    await live((l) =>
      l.begin(LIVE_KEY, { kind: "run", stage: "smac", name: LIVE_NAME, algo: "qmix", map: "3m", seed: 7, budget: 20_000, config: {} }, [1, 2, 3].map(livePoint))
    )

    server = spawn(NODE, [CLI, "dashboard", "--store", store, "--port", "0"], { cwd: ROOT })
    server.stderr!.on("data", (d) => (serverLog += d))
    base = await new Promise<URL>((ok, fail) => {
      let out = ""
      server!.stdout!.on("data", (d) => {
        out += d
        const m = /fsv dashboard: (http:\/\/[^\s/]+)\//.exec(out)
        if (m) ok(new URL(m[1]!))
      })
      server!.on("exit", (code) => fail(new Error(`the dashboard exited ${code}: ${serverLog}`)))
    })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } })
    await page.goto(base.href)
    await page.waitForSelector("body[data-ready='1']", { timeout: 30_000 })
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    server?.kill()
    if (store !== "") await rm(store, { recursive: true, force: true })
  })

  it("binds to the loopback address by default", () => {
    expect(base.hostname).toBe("127.0.0.1")
  })

  it("lists the store's artifacts and the run in progress", async () => {
    const ids = await page.locator("[data-testid=artifact]").evaluateAll((rows: Array<{ getAttribute: (name: string) => string | null }>) => rows.map((r) => r.getAttribute("data-id")))
    expect(new Set(ids)).toEqual(new Set([short.id, long.id, smac.id]))
    expect(ids[0]).toBe(smac.id) // newest first
    // The run in progress, and the SMAC reproduction's own run, which wrote its live file as it went and ended.
    await expect.poll(() => page.locator("[data-testid=live]").count()).toBe(2)
    expect(await liveRow().locator("[data-testid=live-points]").innerText()).toBe("3")
    expect(await liveRow().innerText()).toMatch(/running/)
    const finished = page.locator("[data-testid=live][data-id$='/qmix-3m-seed0']")
    expect(await finished.innerText()).toMatch(/ended/)
  })

  it("draws the newest artifact's curve with one point per evaluation in its result.json", async () => {
    const result = JSON.parse(await readFile(join(smac.dir, "result.json"), "utf8")) as { runs: Array<{ curve: Array<unknown> }> }
    const figure = page.locator("[data-testid=figure][data-name='win-rate-3m']")
    await expect.poll(() => figure.getAttribute("data-rows"), { timeout: 20_000 }).toBe(String(result.runs[0]!.curve.length))
    expect(await figure.locator("svg").count()).toBeGreaterThan(0)
  })

  it("opens the artifact's report and renders its replay page in place", async () => {
    const report = await page.locator("[data-testid=report]").innerText()
    expect(report).toBe(await readFile(join(smac.dir, "report.md"), "utf8"))
    const frame = page.frameLocator("[data-testid=replay]").first()
    await expect.poll(() => frame.locator("canvas#c").count(), { timeout: 20_000 }).toBe(1)
    expect(await frame.locator("#summary").innerText()).toMatch(/3m/)
  })

  it("draws a live run's curve and adds a point when the run writes one", async () => {
    await page.locator(`input[data-select='${smac.id}']`).uncheck()
    await page.locator(`input[data-select='live/${LIVE_KEY}/${LIVE_NAME}']`).check()
    const figure = page.locator("[data-testid=figure][data-name='win-rate-3m']")
    await expect.poll(() => figure.getAttribute("data-rows"), { timeout: 20_000 }).toBe("3")
    await live((l) => l.point(LIVE_KEY, LIVE_NAME, livePoint(4)))
    await expect.poll(() => figure.getAttribute("data-rows"), { timeout: 20_000 }).toBe("4")
    expect(await liveRow().locator("[data-testid=live-points]").innerText()).toBe("4")
  })

  it("diffs the configs of two selected artifacts: only what differs", async () => {
    await page.locator(`input[data-select='live/${LIVE_KEY}/${LIVE_NAME}']`).uncheck()
    await page.locator(`input[data-select='${short.id}']`).check()
    await page.locator(`input[data-select='${long.id}']`).check()
    const rows = page.locator("[data-testid=diff-row]")
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0)
    const cells = (await rows.allInnerTexts()).map((t) => t.split("\t"))
    const keyA = JSON.parse(await readFile(join(store, short.id, "stage.json"), "utf8"))
    const keyB = JSON.parse(await readFile(join(store, long.id, "stage.json"), "utf8"))
    const at = (x: unknown, path: string): unknown => path.split(".").reduce((v: any, k) => v?.[k], x)
    // Each row shows both key records' values at its path, and they differ there.
    for (const [path, a, b] of cells) {
      expect(a).toBe(JSON.stringify(at(keyA, path!)))
      expect(b).toBe(JSON.stringify(at(keyB, path!)))
      expect(a).not.toBe(b)
    }
    // The CLI's --steps: the budget, and FSV's α anneal, which the matrix reproduction ties to it.
    expect(cells.map((c) => c[0])).toEqual(["config.learners.fsv.alphaAnnealSteps", "config.steps"])
    // Every other leaf of the two key records (code, runtime, the rest of the config) is equal: shown nowhere.
    const leaves = (x: unknown, p: string): Array<string> =>
      typeof x === "object" && x !== null && !Array.isArray(x) ? Object.entries(x).flatMap(([k, v]) => leaves(v, p === "" ? k : `${p}.${k}`)) : [p]
    const differing = leaves(keyA, "").filter((p) => JSON.stringify(at(keyA, p)) !== JSON.stringify(at(keyB, p)))
    expect(differing).toEqual(cells.map((c) => c[0]))
    // Two matrix artifacts selected: their figure draws both.
    await expect.poll(() => page.locator("[data-testid=figure]").count(), { timeout: 20_000 }).toBeGreaterThan(0)
  })

  it("verifies an artifact on the server", async () => {
    const files = Object.keys(JSON.parse(await readFile(join(smac.dir, "manifest.json"), "utf8")).files).length
    await page.locator(`button[data-verify='${smac.id}']`).click()
    const out = page.locator(`[data-testid=artifact][data-id='${smac.id}'] [data-testid=verify-result]`)
    await expect.poll(() => out.innerText(), { timeout: 20_000 }).toBe(`ok, ${files} files match`)
  })

  it("refuses paths outside the store, and writes", async () => {
    for (const path of [
      `/files/${smac.id}/../../../../etc/passwd`,
      `/files/${smac.id}/..%2f..%2f..%2fetc%2fpasswd`,
      "/%2e%2e/%2e%2e/etc/passwd",
      `/files/${smac.id}/${encodeURIComponent(join(smac.dir, "report.md"))}`,
      `/files/${smac.id}/.%2e/stage.json`
    ]) {
      expect(await rawGet(base, path), path).toBe(404)
    }
    expect(serverLog).toMatch(/refused \/files\/.*\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: a path outside the store/)
    const post = await fetch(new URL(`/files/${smac.id}/report.md`, base), { method: "DELETE" })
    expect(post.status).toBe(405)
    expect(existsSync(join(smac.dir, "report.md"))).toBe(true)
    // A file the manifest lists is served.
    expect(await rawGet(base, `/files/${smac.id}/report.md`)).toBe(200)
  })

  it("writes a screenshot of the page for review", async () => {
    await page.locator(`input[data-select='${smac.id}']`).check()
    await page.locator(`[data-testid=artifact][data-id='${smac.id}'] td:nth-child(2)`).click()
    await page.waitForTimeout(1500)
    await mkdir(join(ROOT, "test-output"), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(existsSync(SCREENSHOT)).toBe(true)
  })
})
