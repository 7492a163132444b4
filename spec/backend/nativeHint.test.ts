/**
 * Issue 17's default rule: wasm stays the default, and a SMAC command says once how much faster
 * the native backend measured when it is built here and the user named no backend.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { nativeBackendBuilt, nativeHint, SMAC_NATIVE_SPEEDUP } from "../../src/backend/nativeHint.ts"
import { DEFAULT_BACKEND, namedBackend } from "../../src/backend/Backend.ts"

describe("the native backend hint", () => {
  it("the default backend is wasm", () => {
    expect(DEFAULT_BACKEND).toBe("wasm")
  })

  it("speaks only for SMAC, only when the native backend is built and no backend was named", () => {
    const hint = nativeHint("smac", false, true)
    expect(hint).toContain("--backend node")
    expect(hint).toContain(`${SMAC_NATIVE_SPEEDUP.gru256[0]}–${SMAC_NATIVE_SPEEDUP.gru256[1]}× at GRU 256`)
    expect(nativeHint("smac", true, true)).toBeUndefined()
    expect(nativeHint("smac", false, false)).toBeUndefined()
    // node is slower than wasm on the many tiny ops of these (README.md, Backends): nothing to offer
    expect(nativeHint("matrix", false, true)).toBeUndefined()
    expect(nativeHint("quadratics", false, true)).toBeUndefined()
  })

  it("the README's session-22 update times give the ratios it quotes", () => {
    const ratio = (wasm: number, node: number) => Math.round((wasm / node) * 100) / 100
    const g64 = [[174, 93], [202, 130], [347, 169], [259, 162]].map(([w, n]) => ratio(w!, n!))
    const g256 = [[1374, 446], [1402, 489], [2314, 742], [1598, 496]].map(([w, n]) => ratio(w!, n!))
    expect([Math.min(...g64), Math.max(...g64)]).toEqual(SMAC_NATIVE_SPEEDUP.gru64)
    expect([Math.min(...g256), Math.max(...g256)]).toEqual(SMAC_NATIVE_SPEEDUP.gru256)
  })

  it("a backend is named by --backend or FSV_BACKEND, the flag first", () => {
    expect(namedBackend(undefined, {})).toBeUndefined()
    expect(namedBackend("", { FSV_BACKEND: "" })).toBeUndefined()
    expect(namedBackend("wasm", {})).toEqual({ requested: "wasm", source: "--backend" })
    expect(namedBackend(undefined, { FSV_BACKEND: "wasm" })).toEqual({ requested: "wasm", source: "FSV_BACKEND" })
    expect(namedBackend("node", { FSV_BACKEND: "wasm" })).toEqual({ requested: "node", source: "--backend" })
  })

  describe("built: tfjs-node resolvable with its addon in lib/napi-v*/", () => {
    const root = mkdtempSync(join(tmpdir(), "fsv-native-hint-"))
    afterAll(() => rmSync(root, { recursive: true, force: true }))
    const from = pathToFileURL(join(root, "index.js")).href
    const pkg = join(root, "node_modules", "@tensorflow", "tfjs-node")

    it("absent package: not built", () => {
      expect(nativeBackendBuilt(from)).toBe(false)
    })
    it("package without its addon (installed with scripts off, never built): not built", () => {
      mkdirSync(join(pkg, "lib", "napi-v8"), { recursive: true })
      writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", version: "4.22.0" }))
      expect(nativeBackendBuilt(from)).toBe(false)
    })
    it("with the addon: built", () => {
      writeFileSync(join(pkg, "lib", "napi-v8", "tfjs_binding.node"), "")
      expect(nativeBackendBuilt(from)).toBe(true)
    })
  })
})
