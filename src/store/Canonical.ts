/**
 * Canonical JSON and digests: the spelling of a value that keys an artifact.
 * Object keys sorted, no whitespace, numbers in JavaScript's shortest round-trip form;
 * non-finite numbers, `undefined` and functions are refused rather than silently dropped.
 */
import { createHash } from "node:crypto"

/** A sha256 digest in lowercase hex. Branded so a file name cannot pass for one. */
export type Digest = string & { readonly __brand: "fsv/Digest" }

export const isDigest = (s: string): s is Digest => /^[0-9a-f]{64}$/.test(s)

export const sha256 = (bytes: string | Uint8Array): Digest =>
  createHash("sha256").update(bytes).digest("hex") as Digest

export const canonicalJson = (value: unknown): string => {
  const out: Array<string> = []
  const walk = (v: unknown, path: string): void => {
    if (v === null) {
      out.push("null")
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: non-finite number at ${path}`)
      out.push(JSON.stringify(v))
    } else if (typeof v === "string" || typeof v === "boolean") {
      out.push(JSON.stringify(v))
    } else if (Array.isArray(v)) {
      out.push("[")
      v.forEach((x, i) => {
        if (i > 0) out.push(",")
        walk(x, `${path}[${i}]`)
      })
      out.push("]")
    } else if (typeof v === "object") {
      const obj = v as Record<string, unknown>
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
      out.push("{")
      keys.forEach((k, i) => {
        if (i > 0) out.push(",")
        out.push(JSON.stringify(k), ":")
        walk(obj[k], `${path}.${k}`)
      })
      out.push("}")
    } else {
      throw new TypeError(`canonicalJson: cannot encode ${typeof v} at ${path}`)
    }
  }
  walk(value, "$")
  return out.join("")
}

export const digestOf = (value: unknown): Digest => sha256(canonicalJson(value))
