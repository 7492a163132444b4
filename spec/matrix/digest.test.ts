import { describeGoldenReproduction } from "../fixtures/goldenReproduction.ts"

describeGoldenReproduction("matrix", import.meta.dirname, ["result.json", "report.md", "qtot.svg"])
