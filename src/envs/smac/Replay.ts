/**
 * Seeing an episode: record it as data (`recordEpisode`), decode a recording from JSON
 * (`decodeRecording`), summarise it as text (`summarize`) and render it as a self-contained HTML
 * page that animates positions, health and attacks (`renderHtml`). All pure; the CLI does the I/O.
 */
import { Result, Schema } from "effect"
import type { Env, EnvState } from "./Env.ts"
import { RecordingInvalid } from "./errors.ts"
import { MapSpec } from "./MapSpec.ts"
import { LOOPS_PER_SECOND, LOOPS_PER_STEP, UNIT_TYPE_NAMES } from "./units.ts"

const Frame = Schema.Struct({
  /** Positions, hp and shield of every unit after the step (agents first, then enemies). [U] */
  x: Schema.Array(Schema.Finite),
  y: Schema.Array(Schema.Finite),
  hp: Schema.Array(Schema.Finite),
  shield: Schema.Array(Schema.Finite),
  /** Whom each unit last hit (or healed) during the step, −1 for none. [U] */
  fired: Schema.Array(Schema.Int),
  /** The joint action that led to this frame (empty for the first frame). [N] */
  actions: Schema.Array(Schema.Int),
  reward: Schema.Finite
})

export const Recording = Schema.Struct({
  format: Schema.Literal("smac-lite-recording/1"),
  map: MapSpec,
  seed: Schema.Int,
  policy: Schema.String,
  units: Schema.Array(Schema.Struct({
    type: Schema.Literals(UNIT_TYPE_NAMES),
    enemy: Schema.Boolean,
    radius: Schema.Finite,
    hp: Schema.Finite,
    shield: Schema.Finite
  })),
  frames: Schema.NonEmptyArray(Frame),
  result: Schema.Struct({
    battleWon: Schema.Boolean,
    steps: Schema.Int,
    episodeLimit: Schema.Int,
    return: Schema.Finite,
    damageDealt: Schema.Finite,
    damageTaken: Schema.Finite,
    deadAllies: Schema.Int,
    deadEnemies: Schema.Int
  })
})
export type Recording = typeof Recording.Type
type Frame = typeof Frame.Type

const round3 = (v: number): number => Math.round(v * 1000) / 1000

const frameOf = (s: EnvState, n: number, actions: ArrayLike<number>, reward: number): Frame => ({
  x: Array.from(s.x, round3),
  y: Array.from(s.y, round3),
  hp: Array.from(s.hp, round3),
  shield: Array.from(s.shield, round3),
  fired: Array.from(s.fired.subarray(0, n)),
  actions: Array.from(actions),
  reward: round3(reward)
})

/** Play one episode from `state` with `policy` (which writes one action per agent) and record it. */
export const recordEpisode = (
  env: Env,
  state: EnvState,
  policy: (s: EnvState, out: Int32Array) => void,
  meta: { readonly seed: number; readonly policy: string }
): Recording => {
  const { nAgents } = env.info
  const types = env.world.types
  const n = env.world.nUnits
  const frames: Array<Frame> = [frameOf(state, n, [], 0)]
  const actions = new Int32Array(nAgents)
  let total = 0
  let last = { battleWon: false, deadAllies: 0, deadEnemies: 0 }
  while (!state.terminated) {
    policy(state, actions)
    const r = env.step(state, actions)
    total += r.reward
    last = r.info
    frames.push(frameOf(state, n, actions, r.reward))
  }
  return {
    format: "smac-lite-recording/1",
    map: env.map,
    seed: meta.seed,
    policy: meta.policy,
    units: types.map((t, u) => ({ type: t.name, enemy: u >= nAgents, radius: t.radius, hp: t.hp, shield: t.shield })),
    frames: frames as unknown as readonly [Frame, ...Array<Frame>],
    result: {
      battleWon: last.battleWon,
      steps: state.steps,
      episodeLimit: env.info.episodeLimit,
      return: round3(total),
      damageDealt: round3(state.damageDealt),
      damageTaken: round3(state.damageTaken),
      deadAllies: last.deadAllies,
      deadEnemies: last.deadEnemies
    }
  }
}

/** Decode a parsed JSON value as a recording; `path` names the file in the error. */
export const decodeRecording = (input: unknown, path: string): Result.Result<Recording, RecordingInvalid> => {
  const r = Schema.decodeUnknownResult(Recording)(input, { errors: "all" })
  if (Result.isFailure(r)) return Result.fail(new RecordingInvalid({ path, issues: r.failure.message }))
  const rec = r.success
  const nUnits = rec.units.length
  const bad = rec.frames.findIndex((f) =>
    f.x.length !== nUnits || f.y.length !== nUnits || f.hp.length !== nUnits || f.shield.length !== nUnits ||
    f.fired.length !== nUnits
  )
  return bad < 0
    ? Result.succeed(rec)
    : Result.fail(new RecordingInvalid({ path, issues: `Frame arrays must have one entry per unit (${nUnits})\n  at ["frames"][${bad}]` }))
}

/** Winner, steps, return, damage dealt and taken, in a few lines. */
export const summarize = (rec: Recording): string => {
  const r = rec.result
  const nAllies = rec.units.filter((u) => !u.enemy).length
  const nEnemies = rec.units.length - nAllies
  const seconds = (r.steps * LOOPS_PER_STEP) / LOOPS_PER_SECOND
  const outcome = r.battleWon
    ? "allies won"
    : r.deadAllies === nAllies || (r.deadEnemies < nEnemies && r.steps < r.episodeLimit)
    ? "enemies won"
    : r.steps >= r.episodeLimit
    ? `draw (time limit of ${r.episodeLimit} steps)`
    : "draw (both sides died)"
  return [
    `${rec.map.name}, seed ${rec.seed}, policy ${rec.policy}`,
    `Result: ${outcome} after ${r.steps} step${r.steps === 1 ? "" : "s"} (${seconds} game-seconds)`,
    `Return: ${r.return.toFixed(2)}`,
    `Damage dealt to enemies: ${r.damageDealt.toFixed(1)} hp+shield (${r.deadEnemies}/${nEnemies} enemies killed)`,
    `Damage taken by allies: ${r.damageTaken.toFixed(1)} hp+shield (${r.deadAllies}/${nAllies} allies lost)`
  ].join("\n")
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/**
 * A self-contained page (no network): the recording inlined as JSON and a canvas player.
 * Open `page.html?frame=N` to start paused at frame N (used for headless screenshots).
 */
export const renderHtml = (rec: Recording): string => {
  const data = JSON.stringify(rec).replace(/</g, "\\u003c")
  const title = escapeHtml(`SMAC-lite ${rec.map.name}: ${rec.policy}, seed ${rec.seed}`)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
body{font:14px system-ui,sans-serif;background:#111;color:#ddd;margin:16px}
#wrap{display:flex;gap:16px;align-items:flex-start}
canvas{background:#000;border:1px solid #444}
pre{margin:0 0 8px 0;white-space:pre-wrap}
#controls{margin:8px 0}
button{font:inherit}
.key span{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 4px 0 10px}
</style></head><body>
<h3 style="margin:0 0 8px 0">${title}</h3>
<pre id="summary">${escapeHtml(summarize(rec))}</pre>
<div id="controls"><button id="play">Pause</button>
<input id="slider" type="range" min="0" value="0" style="width:480px">
<span id="label"></span>
<span class="key"><span style="background:#4ea3ff"></span>allies<span style="background:#ff5b5b"></span>enemies
<span style="background:#ffd84e"></span>ally hit<span style="background:#ff9a3c"></span>enemy hit<span style="background:#5dff8a"></span>heal
<span style="background:#40483a;border-radius:0"></span>ground<span style="background:#6b5537;border-radius:0"></span>cliff (Colossus only)</span></div>
<div id="wrap"><canvas id="c" width="768" height="768"></canvas><pre id="units"></pre></div>
<script id="data" type="application/json">${data}</script>
<script>
const rec = JSON.parse(document.getElementById("data").textContent);
const map = rec.map, frames = rec.frames, units = rec.units;
const canvas = document.getElementById("c"), ctx = canvas.getContext("2d");
const S = canvas.width / Math.max(map.width, map.height);
const X = (x) => x * S, Y = (y) => canvas.height - y * S;
const slider = document.getElementById("slider"), label = document.getElementById("label"), play = document.getElementById("play");
slider.max = String(frames.length - 1);
const letters = { stalker: "S", zealot: "Z", marine: "M", marauder: "R", medivac: "V", colossus: "C", zergling: "z", baneling: "b", spine_crawler: "P", hydralisk: "H" };
const params = new URLSearchParams(location.search);
let t = params.has("frame") ? Math.min(Number(params.get("frame")), frames.length - 1) : 0;
let playing = !params.has("frame");
const stepMs = 250;
function lerp(a, b, f) { return a + (b - a) * f; }
function draw() {
  const i = Math.floor(t), f = t - i, A = frames[i], B = frames[Math.min(i + 1, frames.length - 1)];
  ctx.fillStyle = "#2a2a2a"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#40483a";
  for (const r of map.pathable || []) ctx.fillRect(X(r.x), Y(r.y + r.height), r.width * S, r.height * S);
  (map.terrain || []).forEach((row, k) => {
    const y = map.height - 1 - k;
    for (let x = 0; x < row.length; x++) {
      if (row[x] === "X") continue;
      ctx.fillStyle = row[x] === "C" ? "#6b5537" : "#40483a";
      ctx.fillRect(X(x), Y(y + 1), S, S);
    }
  });
  ctx.strokeStyle = "rgba(255,255,255,0.05)";
  for (let g = 0; g <= map.width; g++) { ctx.beginPath(); ctx.moveTo(X(g), 0); ctx.lineTo(X(g), canvas.height); ctx.stroke(); }
  for (let g = 0; g <= map.height; g++) { ctx.beginPath(); ctx.moveTo(0, Y(g)); ctx.lineTo(canvas.width, Y(g)); ctx.stroke(); }
  const px = units.map((_, u) => lerp(A.x[u], B.x[u], f)), py = units.map((_, u) => lerp(A.y[u], B.y[u], f));
  // Attacks during the step that leads to frame i+1 (drawn while moving toward it).
  const shots = B.fired;
  ctx.lineWidth = 2;
  for (let u = 0; u < units.length; u++) {
    const tgt = shots[u]; if (tgt < 0 || i + 1 >= frames.length) continue;
    ctx.strokeStyle = units[u].type === "medivac" ? "#5dff8a" : units[u].enemy ? "#ff9a3c" : "#ffd84e";
    ctx.beginPath(); ctx.moveTo(X(px[u]), Y(py[u])); ctx.lineTo(X(px[tgt]), Y(py[tgt])); ctx.stroke();
  }
  for (let u = 0; u < units.length; u++) {
    const un = units[u], hp = lerp(A.hp[u], B.hp[u], f), sh = lerp(A.shield[u], B.shield[u], f);
    const dead = A.hp[u] <= 0;
    const r = un.radius * S, cx = X(px[u]), cy = Y(py[u]);
    ctx.globalAlpha = dead ? 0.25 : 1;
    ctx.fillStyle = un.enemy ? "#ff5b5b" : "#4ea3ff";
    ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.fill();
    if (un.type === "medivac") { ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke(); }
    ctx.fillStyle = "#000"; ctx.font = "bold " + Math.max(9, r) + "px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.fillText(letters[un.type], cx, cy + 1);
    if (!dead) {
      const w = Math.max(2 * r, 14), top = cy - r - 8;
      ctx.fillStyle = "#333"; ctx.fillRect(cx - w / 2, top, w, 3);
      ctx.fillStyle = "#3ddc57"; ctx.fillRect(cx - w / 2, top, w * hp / un.hp, 3);
      if (un.shield > 0) { ctx.fillStyle = "#333"; ctx.fillRect(cx - w / 2, top - 4, w, 3); ctx.fillStyle = "#4ee0ff"; ctx.fillRect(cx - w / 2, top - 4, w * sh / un.shield, 3); }
    }
    ctx.globalAlpha = 1;
  }
  label.textContent = "step " + i + " / " + (frames.length - 1) + "   reward " + (B.reward || 0).toFixed(2);
  slider.value = String(i);
  document.getElementById("units").textContent = units.map((un, u) =>
    (un.enemy ? "enemy " + (u - units.filter((v) => !v.enemy).length) : "agent " + u) + " " + un.type.padEnd(8) +
    " hp " + A.hp[u].toFixed(0).padStart(3) + (un.shield > 0 ? " sh " + A.shield[u].toFixed(0).padStart(3) : "") +
    (un.enemy ? "" : "  action " + (B.actions[u] ?? "-"))).join("\\n");
}
let last = performance.now();
function frame(now) {
  if (playing) { t = Math.min(t + (now - last) / stepMs, frames.length - 1); if (t >= frames.length - 1) { playing = false; play.textContent = "Play"; } }
  last = now; draw(); requestAnimationFrame(frame);
}
play.textContent = playing ? "Pause" : "Play";
play.onclick = () => { if (!playing && t >= frames.length - 1) t = 0; playing = !playing; play.textContent = playing ? "Pause" : "Play"; };
slider.oninput = () => { t = Number(slider.value); playing = false; play.textContent = "Play"; };
draw(); requestAnimationFrame(frame);
</script></body></html>
`
}
