/** Helpers shared by the benchmarks (the leading underscore keeps it off `npm run bench`'s list). */

/** The median; the mean of the two middle values for an even count. */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** The value after `--name` in `args`, if present. */
export const flag = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const k = args.indexOf(name.startsWith("--") ? name : `--${name}`)
  return k >= 0 ? args[k + 1] : undefined
}
