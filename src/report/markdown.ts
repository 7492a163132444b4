/**
 * Markdown tables for reports. Pure string building; numbers are formatted by the caller.
 */

/** Escape a cell: pipes would end it, newlines would end the row. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

/** A GitHub-flavoured markdown table. `align` per column: "l" (default) or "r". */
export const markdownTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align: ReadonlyArray<"l" | "r"> = []
): string => {
  for (const [k, r] of rows.entries()) {
    if (r.length !== headers.length) {
      throw new RangeError(`markdownTable: row ${k} has ${r.length} cells for ${headers.length} columns`)
    }
  }
  const line = (cells: ReadonlyArray<string>) => `| ${cells.map(cell).join(" | ")} |`
  const rule = `|${headers.map((_, i) => (align[i] === "r" ? "---:" : ":---")).join("|")}|`
  return [line(headers), rule, ...rows.map(line)].join("\n")
}

/** A number with `digits` decimals, and no "-0.0". */
export const fixed = (x: number, digits = 1): string => {
  const s = x.toFixed(digits)
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s
}
