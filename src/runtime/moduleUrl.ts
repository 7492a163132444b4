/**
 * The URL of a module beside the caller, with the caller's own extension: `.ts` when running
 * from a checkout's sources, `.js` from the compiled package. Worker threads and dynamic
 * imports name their module this way so both layouts work.
 */
export const siblingModule = (path: string, callerUrl: string): URL =>
  new URL(`${path}${callerUrl.endsWith(".ts") ? ".ts" : ".js"}`, callerUrl)
