/** JSON text as the artifacts write it. */

/** Two-space indentation, arrays of numbers on one line, a final newline. */
export const compactJson = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(/\[\s*(-?\d[^\[\]{}"]*?)\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n"
