/** Every failure a user of SMAC-lite can cause, as a typed error with a one-paragraph message. */
import { Schema } from "effect"

/** A map name that is neither built in nor a `.json` file path. */
export class UnknownMap extends Schema.TaggedError<UnknownMap>()("UnknownMap", {
  name: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `There is no SMAC-lite map called "${this.name}". The built-in maps are ${this.known.join(", ")}; ` +
      `to use your own map, pass the path of a map JSON file (ending in .json) instead.`
  }
}

/** A map that does not satisfy the map schema; `issues` names the path of every bad field. */
export class MapInvalid extends Schema.TaggedError<MapInvalid>()("MapInvalid", {
  source: Schema.String,
  issues: Schema.String
}) {
  override get message(): string {
    return `The map ${this.source} is not a valid SMAC-lite map:\n${this.issues}\n` +
      `See docs/smac-lite.md ("Adding a map") for the format.`
  }
}

/** A file that could not be read, or whose text is not JSON. */
export class FileUnreadable extends Schema.TaggedError<FileUnreadable>()("FileUnreadable", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Could not read ${this.path}: ${this.reason}. Check that the path is right and the file is JSON.`
  }
}

/** A replay file whose JSON is not an episode recording. */
export class RecordingInvalid extends Schema.TaggedError<RecordingInvalid>()("RecordingInvalid", {
  path: Schema.String,
  issues: Schema.String
}) {
  override get message(): string {
    return `${this.path} is not a SMAC-lite episode recording:\n${this.issues}\n` +
      `Produce one with \`fsv smac record --map 2s3z --out episode.json\`.`
  }
}

/** An action that is not available to its agent (SMAC asserts the same). */
export class InvalidAction extends Schema.TaggedError<InvalidAction>()("InvalidAction", {
  agent: Schema.Number,
  action: Schema.Number,
  available: Schema.Array(Schema.Number)
}) {
  override get message(): string {
    return `Agent ${this.agent} cannot take action ${this.action}; its available actions are ` +
      `[${this.available.join(", ")}]. Choose actions from availActions (a dead agent may only take 0, no-op).`
  }
}

/** `step` given a different number of actions than the map has agents. */
export class ActionCountMismatch extends Schema.TaggedError<ActionCountMismatch>()("ActionCountMismatch", {
  expected: Schema.Number,
  got: Schema.Number
}) {
  override get message(): string {
    return `step takes one action per agent: ${this.expected} on this map, got ${this.got}. ` +
      `A dead agent takes 0 (no-op).`
  }
}

/** `step` called on an episode that has already terminated. */
export class EpisodeOver extends Schema.TaggedError<EpisodeOver>()("EpisodeOver", {
  steps: Schema.Number
}) {
  override get message(): string {
    return `The episode terminated after ${this.steps} steps; call reset for a new one.`
  }
}
