/**
 * Vega-Lite specs rendered to SVG without a browser: compiled to Vega and drawn by a
 * headless `View` (renderer "none", text measured by Vega's built-in estimate), so the
 * same spec gives the same bytes on any machine. Vega numbers gradients and clip paths with
 * process-wide counters: renderings run one at a time, each from counters reset to 0, so the
 * bytes do not depend on what else the process rendered either.
 */
import { parse, resetSVGDefIds, View } from "vega"
import { compile, type TopLevelSpec } from "vega-lite"

const render = async (spec: TopLevelSpec): Promise<string> => {
  const view = new View(parse(compile(spec).spec), { renderer: "none" })
  try {
    resetSVGDefIds()
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

let previous: Promise<unknown> = Promise.resolve()

/** The SVG text of a Vega-Lite spec. */
export const vegaLiteToSvg = (spec: TopLevelSpec): Promise<string> => {
  const svg = previous.then(() => render(spec))
  previous = svg.catch(() => undefined)
  return svg
}
