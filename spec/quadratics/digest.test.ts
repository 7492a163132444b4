import { describeGoldenReproduction } from "../fixtures/goldenReproduction.ts"

describeGoldenReproduction("quadratics", import.meta.dirname, ["result.json", "report.md", "reward-surface.svg", "curves.svg"])
