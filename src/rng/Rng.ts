/**
 * Seeded randomness.
 *
 * One root seed per run; every consumer draws from an independent stream
 * derived from (root seed, label path), e.g. `["train", "qmix", "seed 3", "init"]`.
 * A stream's state is plain data (`RngState`, four 32-bit words of xoroshiro128+),
 * so the pure core receives and returns it like any other value. `Stream` is a
 * thin mutable cursor over that state for hot loops; `withStream` confines the
 * mutation to one call and hands back the next state.
 *
 * Nothing here, nor anywhere in the project, draws from the global unseeded generator.
 */
import { createHash } from "node:crypto"
import { Context, Layer } from "effect"
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus"
import type { RandomGenerator } from "pure-rand/types/RandomGenerator"

/** Four 32-bit words of xoroshiro128+ state. Plain data: serialisable, comparable. */
export type RngState = readonly [number, number, number, number]

/** A label path naming one independent stream below a root seed. */
export type LabelPath = ReadonlyArray<string>

const TWO_POW_32 = 4294967296

/**
 * The state of the stream named by `path` under `root`: the first 128 bits of
 * sha256 over canonical JSON of `[root, ...path]`. Distinct paths give
 * independent streams; the same (root, path) gives the same stream in any process.
 */
export const streamState = (root: number, path: LabelPath): RngState => {
  if (!Number.isSafeInteger(root)) {
    throw new RangeError(`root seed must be a safe integer, got ${root}`)
  }
  const digest = createHash("sha256").update(JSON.stringify([root, ...path])).digest()
  const words: [number, number, number, number] = [
    digest.readInt32BE(0),
    digest.readInt32BE(4),
    digest.readInt32BE(8),
    digest.readInt32BE(12)
  ]
  // xoroshiro128+ has one fixed point, the all-zero state; step off it.
  if (words.every((w) => w === 0)) words[3] = 1
  return words
}

/** A mutable cursor over an `RngState`. Create one per use; read its state back with `state()`. */
export class Stream {
  private readonly gen: RandomGenerator
  private spareNormal: number | undefined = undefined

  constructor(state: RngState) {
    this.gen = xoroshiro128plusFromState(state)
  }

  /** Next raw 32-bit value, as an unsigned integer in [0, 2^32). */
  uint32(): number {
    return this.gen.next() >>> 0
  }

  /** Uniform in [0, 1), 53 random bits. */
  float(): number {
    const hi = this.uint32() >>> 5 // 27 bits
    const lo = this.uint32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float()
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`)
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n)
    for (;;) {
      const x = this.uint32()
      if (x < limit) return x % n
    }
  }

  /** Standard normal by the Box–Muller transform (pairs cached). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal
      this.spareNormal = undefined
      return z
    }
    let u = 0
    while (u === 0) u = this.float()
    const v = this.float()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spareNormal = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Index drawn from unnormalised non-negative weights. */
  categorical(weights: ArrayLike<number>): number {
    let total = 0
    for (let i = 0; i < weights.length; i++) total += weights[i]!
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new RangeError(`categorical needs positive finite total weight, got ${total}`)
    }
    let x = this.float() * total
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!
      if (x < 0) return i
    }
    return weights.length - 1
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: Array<T>): Array<T> {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = xs[i]!
      xs[i] = xs[j]!
      xs[j] = t
    }
    return xs
  }

  /**
   * A seed for a tfjs initializer or sampling op: an integer in [1, 2^31 − 1].
   * Never 0 and never undefined, for which tfjs falls back to its unseeded global generator.
   */
  tfSeed(): number {
    return 1 + this.int(2147483646)
  }

  /** The current state, as data. A cached Box–Muller spare is dropped. */
  state(): RngState {
    const s = this.gen.getState()
    return [s[0]!, s[1]!, s[2]!, s[3]!]
  }
}

/** Run `f` on a cursor over `state`; return its result and the state after it. */
export const withStream = <A>(state: RngState, f: (s: Stream) => A): readonly [A, RngState] => {
  const s = new Stream(state)
  const a = f(s)
  return [a, s.state()]
}

/** The stream for (root, path), ready to draw from. */
export const stream = (root: number, path: LabelPath): Stream => new Stream(streamState(root, path))

/** Sample k distinct indices of [0, n) uniformly, in draw order (a partial Fisher–Yates shuffle). */
export const sampleWithoutReplacement = (rng: Stream, n: number, k: number): Array<number> => {
  const moved = new Map<number, number>()
  const out: Array<number> = []
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i)
    const atJ = moved.get(j) ?? j
    moved.set(j, moved.get(i) ?? i)
    out.push(atJ)
  }
  return out
}

/**
 * The run's randomness as a service: the root seed, and streams by label path.
 * The shell asks for streams; the pure core only ever sees `RngState`.
 */
export class Rng extends Context.Service<Rng, {
  readonly root: number
  readonly state: (path: LabelPath) => RngState
  readonly stream: (path: LabelPath) => Stream
}>()("fsv/rng/Rng") {
  static readonly layer = (root: number): Layer.Layer<Rng> =>
    Layer.succeed(Rng, {
      root,
      state: (path) => streamState(root, path),
      stream: (path) => stream(root, path)
    })
}
