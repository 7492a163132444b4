/**
 * `--maps a,b,my_map.json` for the benchmarks: built-in names and map files, each decoded by the
 * map schema (a bad file throws MapInvalid with the path of the problem). The leading underscore
 * keeps it off `npm run bench`'s list.
 */
import { readFileSync } from "node:fs"
import { Result } from "effect"
import { FileUnreadable, UnknownMap } from "../src/envs/smac/errors.ts"
import { BUILTIN_MAP_NAMES, BUILTIN_MAPS, type BuiltinMapName, decodeMapResult, type MapSpec } from "../src/envs/smac/MapSpec.ts"

/** One map: a built-in name, or the path of a map JSON file. */
export const benchMap = (nameOrPath: string): MapSpec => {
  if (!nameOrPath.endsWith(".json")) {
    if (!(BUILTIN_MAP_NAMES as ReadonlyArray<string>).includes(nameOrPath)) throw new UnknownMap({ name: nameOrPath, known: BUILTIN_MAP_NAMES })
    return BUILTIN_MAPS[nameOrPath as BuiltinMapName]
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(nameOrPath, "utf8"))
  } catch (e) {
    throw new FileUnreadable({ path: nameOrPath, reason: e instanceof Error ? e.message : String(e) })
  }
  const decoded = decodeMapResult(json, nameOrPath)
  if (Result.isFailure(decoded)) throw decoded.failure
  return decoded.success
}

/** The maps of a `--maps` list, or `fallback` (names) without one. */
export const benchMaps = (list: string | undefined, fallback: ReadonlyArray<string>): Array<MapSpec> =>
  (list === undefined ? [...fallback] : list.split(",").map((m) => m.trim()).filter((m) => m.length > 0)).map(benchMap)
