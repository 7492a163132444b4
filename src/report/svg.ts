/**
 * Vega-Lite specs rendered to SVG without a browser: compiled to Vega and drawn by a
 * headless `View` (renderer "none", text measured by Vega's built-in estimate), so the
 * same spec gives the same bytes on any machine.
 */
import { parse, View } from "vega"
import { compile, type TopLevelSpec } from "vega-lite"

/** The SVG text of a Vega-Lite spec. */
export const vegaLiteToSvg = async (spec: TopLevelSpec): Promise<string> => {
  const view = new View(parse(compile(spec).spec), { renderer: "none" })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
