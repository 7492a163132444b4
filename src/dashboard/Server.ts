/**
 * The dashboard's HTTP application: the page, its JSON API and the store's files, read-only.
 *
 *   GET /                              the page (src/dashboard/page.ts)
 *   GET /vendor/vega.js, vega-lite.js  the chart libraries the reports use, from node_modules
 *   GET /api/store                     artifacts, runs in progress, sweeps
 *   GET /api/figures?ids=ID,ID         Vega-Lite specs of a selection (artifacts and live runs)
 *   GET /api/diff?a=ID&b=ID            where two artifacts' key records differ
 *   GET /api/verify?id=ID              re-hash an artifact against its manifest
 *   GET /files/<stage>/<digest>/<file> a file the artifact's manifest lists, nothing else
 *
 * Safety: only GET and HEAD (anything else is 405); a file is served only if the artifact's
 * manifest lists that exact name, so no request reaches outside the store; a request that tries
 * (`..`, an encoded slash or backslash, an absolute path) gets 404 and a line in the log.
 */
import { readFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { readManifest, verify } from "../store/ArtifactStore.ts"
import { readLiveRuns } from "../store/Live.ts"
import type { AnyExperimentFigures } from "../sweep/Figures.ts"
import { artifactById, diffArtifacts, figuresFor, listArtifacts, listSweeps, summarizeLive } from "./Catalog.ts"
import { pageHtml } from "./page.ts"

export interface DashboardOptions {
  /** The store's absolute path. */
  readonly root: string
  /** The experiments whose result.json the figures read (the program's registry). */
  readonly experiments: ReadonlyArray<AnyExperimentFigures>
  /** Where refused and failed requests are reported. */
  readonly log: (line: string) => void
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  svg: "image/svg+xml",
  json: "application/json; charset=utf-8",
  jsonl: "text/plain; charset=utf-8",
  md: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  txt: "text/plain; charset=utf-8"
}

const contentType = (file: string): string => CONTENT_TYPES[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream"

const NOSNIFF = { "x-content-type-options": "nosniff" }

const json = (body: unknown, status = 200): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(JSON.stringify(body), { status, contentType: CONTENT_TYPES.json!, headers: { ...NOSNIFF, "cache-control": "no-store" } })

const notFound = (what: string): HttpServerResponse.HttpServerResponse => json({ error: `not found: ${what}` }, 404)

/** Whether a raw request target tries to leave its directory. Pure. */
export const isTraversal = (rawUrl: string): boolean => {
  const path = rawUrl.split("?")[0] ?? ""
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return true
  }
  return /(^|[/\\])\.\.([/\\]|$)/.test(decoded) || decoded.includes("\\") || /%2f|%5c/i.test(path) || decoded.includes("\0") ||
    !path.startsWith("/") || decoded.startsWith("//")
}

const vendorFiles: Readonly<Record<string, () => string>> = {
  "vega.js": () => join(dirname(fileURLToPath(import.meta.resolve("vega"))), "vega.min.js"),
  "vega-lite.js": () => join(dirname(fileURLToPath(import.meta.resolve("vega-lite"))), "vega-lite.min.js")
}

/** The application: one response per request, never a failure (errors become 4xx/5xx with a reason). */
export const dashboardApp = (options: DashboardOptions): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const { root } = options
    if (request.method !== "GET" && request.method !== "HEAD") {
      options.log(`refused ${request.method} ${request.url}: the dashboard is read-only`)
      return json({ error: "the dashboard is read-only: only GET" }, 405)
    }
    if (isTraversal(request.url)) {
      options.log(`refused ${request.url}: a path outside the store`)
      return notFound(request.url)
    }
    const url = new URL(request.url, "http://localhost")
    const path = url.pathname
    const q = (name: string): string => url.searchParams.get(name) ?? ""

    if (path === "/") return HttpServerResponse.html(pageHtml())
    if (path.startsWith("/vendor/")) {
      const locate = vendorFiles[path.slice("/vendor/".length)]
      if (locate === undefined) return notFound(path)
      const body = yield* Effect.promise(() => readFile(locate()))
      return HttpServerResponse.uint8Array(body, { contentType: "text/javascript; charset=utf-8", headers: NOSNIFF })
    }
    if (path === "/api/store") {
      const [artifacts, live, sweeps] = yield* Effect.all([listArtifacts(root), readLiveRuns(root), listSweeps(root)])
      return json({ root, artifacts, live: live.map(summarizeLive), sweeps })
    }
    if (path === "/api/figures") {
      const ids = q("ids").split(",").filter((s) => s !== "")
      return yield* figuresFor(root, ids, options.experiments).pipe(
        Effect.map((figures) => json({ figures })),
        Effect.catchTag("NotInStore", (e) => Effect.succeed(notFound(e.id)))
      )
    }
    if (path === "/api/diff") {
      return yield* diffArtifacts(root, q("a"), q("b")).pipe(
        Effect.map((rows) => json({ a: q("a"), b: q("b"), rows })),
        Effect.catchTag("NotInStore", (e) => Effect.succeed(notFound(e.id)))
      )
    }
    if (path === "/api/verify") {
      return yield* artifactById(root, q("id")).pipe(
        Effect.flatMap((a) => verify(a.dir)),
        Effect.map((report) => json({ ...report, dir: undefined, id: q("id") })),
        Effect.catchTag("NotInStore", (e) => Effect.succeed(notFound(e.id))),
        Effect.catch((e) => Effect.succeed(json({ id: q("id"), ok: false, error: e.message }, 200)))
      )
    }
    if (path.startsWith("/files/")) {
      const [stage = "", digest = "", ...rest] = path.slice("/files/".length).split("/").map(decodeURIComponent)
      const file = rest.join("/")
      const found = yield* artifactById(root, `${stage}/${digest}`).pipe(
        Effect.flatMap((a) => Effect.map(readManifest(a.dir), (m) => ({ a, m }))),
        Effect.orElseSucceed(() => undefined)
      )
      if (found === undefined || !(file in found.m.files || file === "manifest.json")) {
        options.log(`not found: ${request.url}`)
        return notFound(path)
      }
      const body = yield* Effect.promise(() => readFile(join(found.a.dir, file)))
      return HttpServerResponse.uint8Array(body, { contentType: contentType(file), headers: NOSNIFF })
    }
    options.log(`not found: ${request.url}`)
    return notFound(path)
  }).pipe(
    Effect.catchCause((cause) =>
      Effect.sync(() => {
        options.log(`failed: ${String(cause)}`)
        return json({ error: "internal error (see the dashboard's log)" }, 500)
      })
    )
  )
