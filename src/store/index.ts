/**
 * Stages as values and the content-addressed store: define a stage, run it through the
 * store (cache hits, atomic publish), verify and rerun artifacts.
 */
export {
  type ArtifactRef,
  ArtifactStore,
  artifactDir,
  BadFileName,
  contentDigest,
  type Manifest,
  NotAnArtifact,
  readArtifactText,
  readManifest,
  type StageFiles,
  StoreError,
  verify,
  type VerifyReport
} from "./ArtifactStore.ts"
export { canonicalJson, type Digest, digestOf, isDigest, sha256 } from "./Canonical.ts"
export { readKeyRecord, rerun, type RerunReport, UnknownStage } from "./Rerun.ts"
export {
  type AnyStage,
  codeVersion,
  ConfigInvalid,
  decodeConfig,
  defineStage,
  encodeConfig,
  type KeyRecord,
  runStage,
  type Stage,
  type StageContext,
  stageKey
} from "./Stage.ts"
