/**
 * What loading tfjs-node 4.22 needs on the Node versions we run:
 *
 * - its `dist` calls `util.isNullOrUndefined` and `util.isArray`. Node 23 removed the first
 *   (loading throws `util_1.isNullOrUndefined is not a function`) and warns (DEP0044) on every
 *   call of the second. Both are set on `node:util` (the object tfjs-node's `require("util")`
 *   returns) with their documented meaning: `x === null || x === undefined`, `Array.isArray`.
 * - TensorFlow reads two settings from the environment when it loads: oneDNN's custom
 *   operations (on by default on x86; `TF_ENABLE_ONEDNN_OPTS=0` turns them off and changes
 *   gradient bits, still deterministically) and its log level. fsv fixes oneDNN to what the
 *   environment says, else on, and records it in every artifact key's runtime (`runtimeVersion` in `src/store/Stage.ts`),
 *   so that a rerun with the other setting cannot claim the same key; logs below errors are off
 *   unless `TF_CPP_MIN_LOG_LEVEL` says otherwise.
 */
import util from "node:util"

/** oneDNN's setting as TensorFlow will read it: "1" (on) or "0" (off). */
export const oneDnnSetting = (env: Readonly<Record<string, string | undefined>> = process.env): "0" | "1" =>
  env["TF_ENABLE_ONEDNN_OPTS"] === "0" ? "0" : "1"

/** Prepare this process for tfjs-node: the util functions it calls, and TensorFlow's settings. */
export const prepareNativeLoad = (): "0" | "1" => {
  const u = util as unknown as Record<string, unknown>
  if (typeof u["isNullOrUndefined"] !== "function") u["isNullOrUndefined"] = (x: unknown) => x === null || x === undefined
  u["isArray"] = Array.isArray // also where it still exists: Node 22+ warns (DEP0044) on every call, with the same result
  const onednn = oneDnnSetting()
  process.env["TF_ENABLE_ONEDNN_OPTS"] = onednn
  process.env["TF_CPP_MIN_LOG_LEVEL"] ??= "2"
  return onednn
}
