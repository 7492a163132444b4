/**
 * Reused typed arrays for what every update builds afresh at sizes that vary with the batch's
 * longest episode (the padded batch, the Gumbel noise, the masks of unavailable actions, the
 * one-hot actions). A fresh array of megabytes costs its pages' first touch, and on this
 * project's VM that is 12–29 µs a 4 KB page (`npm run bench -- alloc`): MMM2's batch assembly
 * took 56–150 ms an update that way under glibc's defaults. Reusing the memory of the previous
 * update costs a zero fill (about 1 ms for 7.5 MB).
 *
 * `take` hands out a view of `n` elements, zero-filled, of the slot's buffer, which grows (by
 * half again, so that a slowly rising T does not reallocate each time) and is never shrunk. A
 * view is valid until the slot is taken again: the caller must be done with it by then (an
 * update's tensors are disposed before the next update starts).
 */
type Kind = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor

export class Scratch {
  private readonly slots = new Map<string, Float32Array | Int32Array | Uint8Array>()

  private take<A extends Float32Array | Int32Array | Uint8Array>(slot: string, n: number, kind: Kind): A {
    let buffer = this.slots.get(slot)
    if (buffer === undefined || buffer.length < n || buffer.constructor !== kind) {
      buffer = new kind(buffer === undefined || buffer.constructor !== kind ? n : Math.max(n, Math.ceil(buffer.length * 1.5)))
      this.slots.set(slot, buffer)
      return buffer.subarray(0, n) as A // new memory is zero already
    }
    const view = buffer.subarray(0, n)
    view.fill(0)
    return view as A
  }

  f32(slot: string, n: number): Float32Array {
    return this.take<Float32Array>(slot, n, Float32Array)
  }
  i32(slot: string, n: number): Int32Array {
    return this.take<Int32Array>(slot, n, Int32Array)
  }
  u8(slot: string, n: number): Uint8Array {
    return this.take<Uint8Array>(slot, n, Uint8Array)
  }
}

/** Fresh arrays every time: the behaviour without a `Scratch` (tests, one-off callers). */
export const fresh = {
  f32: (_: string, n: number): Float32Array => new Float32Array(n),
  i32: (_: string, n: number): Int32Array => new Int32Array(n),
  u8: (_: string, n: number): Uint8Array => new Uint8Array(n)
}

/** Where an array-building function gets its arrays. */
export type ArraySource = Pick<Scratch, "f32" | "i32" | "u8">
