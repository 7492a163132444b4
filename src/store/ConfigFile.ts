/**
 * Config files people write by hand: JSON, or YAML where the name ends in `.yaml` or `.yml`
 * (the `yaml` package, YAML 1.2's core schema: what it reads is plain JSON data, so a YAML file
 * and the JSON file with the same values decode to the same config and the same artifact key).
 * Schema errors come afterwards, from the decoder, naming the path whatever the format.
 */
import { readFile } from "node:fs/promises"
import { Effect, Result, Schema } from "effect"
import { parse as parseYaml } from "yaml"

/** A config file that cannot be read or parsed. */
export class ConfigFileUnreadable extends Schema.TaggedError<ConfigFileUnreadable>()("ConfigFileUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot read the config file ${this.file}: ${this.reason}`
  }
}

/** Whether `file` is read as YAML (by its extension). */
export const isYamlFile = (file: string): boolean => /\.ya?ml$/i.test(file)

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e)).trim()

/**
 * Parse a config file's text: YAML for `.yaml`/`.yml`, JSON otherwise. Pure. YAML with
 * duplicate keys, several documents, or values outside JSON (anchors and aliases are
 * resolved; `.inf` and `.nan` are left for the schema to refuse) is an error with its line.
 */
export const parseConfigText = (file: string, text: string): Result.Result<unknown, ConfigFileUnreadable> => {
  try {
    return Result.succeed(isYamlFile(file) ? parseYaml(text, { schema: "core", uniqueKeys: true, merge: false }) as unknown : JSON.parse(text) as unknown)
  } catch (e) {
    return Result.fail(new ConfigFileUnreadable({ file, reason: `not valid ${isYamlFile(file) ? "YAML" : "JSON"} (${reason(e)})` }))
  }
}

/** Read and parse a config file (JSON or YAML). */
export const readConfigFile = (file: string): Effect.Effect<unknown, ConfigFileUnreadable> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (e) => new ConfigFileUnreadable({ file, reason: reason(e) })
  }).pipe(Effect.flatMap((text) => Effect.fromResult(parseConfigText(file, text))))
