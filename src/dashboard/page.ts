/**
 * The dashboard's one page: plain HTML, CSS and a script that polls the JSON API every two
 * seconds and draws figures with Vega and Vega-Lite (served from node_modules by the server,
 * the libraries the reports render with). No build step and nothing fetched from outside.
 *
 * Elements the browser test reads carry `data-testid`; a figure's container carries the number
 * of rows of numbers it draws (`data-rows`) once Vega has rendered it.
 */

const STYLE = String.raw`
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { background: #1f3a5f; color: #fff; padding: 10px 16px; }
header h1 { font-size: 18px; margin: 0; display: inline; }
header span { margin-left: 12px; opacity: .85; }
main { padding: 8px 16px; }
section { margin: 12px 0; }
h2 { font-size: 15px; margin: 14px 0 6px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
tr.focused { background: #eef4ff; }
tbody tr:hover { background: #f6f9ff; cursor: pointer; }
.muted { color: #777; }
.ok { color: #17803d; } .bad { color: #b42318; }
#figures { display: flex; flex-wrap: wrap; gap: 12px; }
#figures > div { border: 1px solid #e3e3e3; padding: 6px; }
pre { background: #f7f7f7; padding: 8px; max-height: 420px; overflow: auto; font-size: 12px; }
iframe { width: 100%; height: 560px; border: 1px solid #ddd; }
img.fig { max-width: 640px; border: 1px solid #eee; margin: 4px; }
button { font-size: 12px; }
`

const SCRIPT = String.raw`
const state = { selected: new Set(), focus: null, data: null, signature: "", figureKey: "" };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fmtBytes = (b) => b < 1024 ? b + " B" : b < 1048576 ? (b / 1024).toFixed(1) + " kB" : (b / 1048576).toFixed(1) + " MB";
const list = (xs) => xs.length === 0 ? "" : xs.join(", ");
const getJson = async (url) => { const r = await fetch(url, { cache: "no-store" }); return r.json(); };

function artifactRows(artifacts) {
  return artifacts.map((a) => '<tr data-testid="artifact" data-id="' + esc(a.id) + '" class="' + (state.focus === a.id ? "focused" : "") + '">' +
    '<td><input type="checkbox" data-select="' + esc(a.id) + '"' + (state.selected.has(a.id) ? " checked" : "") + '></td>' +
    "<td>" + esc(a.stage) + "</td><td><code>" + esc(a.digest.slice(0, 12)) + "</code></td>" +
    "<td>" + esc(list(a.learners)) + "</td><td>" + esc(list(a.maps)) + "</td><td>" + esc(list(a.seeds)) + "</td>" +
    "<td>" + (a.budget === null ? "" : a.budget.toLocaleString("en")) + "</td><td>" + esc(a.backend) + "</td>" +
    "<td>" + esc(a.finishedAt ? a.finishedAt.replace("T", " ").slice(0, 19) : "") + "</td>" +
    "<td>" + (a.seconds === null ? "" : a.seconds.toFixed(1) + " s") + "</td><td>" + fmtBytes(a.bytes) + "</td>" +
    '<td><button data-verify="' + esc(a.id) + '">verify</button> <span data-testid="verify-result" id="verify-' + esc(a.id).replace(/\W/g, "_") + '"></span></td></tr>').join("");
}

function liveRows(live) {
  return live.map((r) => '<tr data-testid="live" data-id="' + esc(r.id) + '">' +
    '<td><input type="checkbox" data-select="' + esc(r.id) + '"' + (state.selected.has(r.id) ? " checked" : "") + '></td>' +
    "<td>" + esc(r.stage) + "</td><td>" + esc(r.name) + "</td><td>" + (r.ended ? "ended" : "running") + "</td>" +
    "<td>" + (r.lastT === null ? 0 : r.lastT).toLocaleString("en") + " / " + r.budget.toLocaleString("en") + "</td>" +
    "<td>" + (r.lastWinRate === null ? "–" : r.lastWinRate.toFixed(2)) + '</td><td data-testid="live-points">' + r.points + "</td>" +
    "<td>" + new Date(r.updatedAt).toISOString().replace("T", " ").slice(0, 19) + "</td></tr>").join("");
}

function sweepBlocks(sweeps) {
  return sweeps.map((s) => '<div data-testid="sweep"><b>' + esc(s.name || s.id.slice(0, 12)) + "</b> " +
    '<span class="muted">' + esc(s.stage) + " · id " + esc(s.id.slice(0, 12)) + (s.alive ? " · running" : "") + "</span> — " +
    s.counts.total + " runs · " + s.counts.done + " done · " + s.counts.running + " running · " + s.counts.failed + " failed · " + s.counts.pending + " pending" +
    "<table><thead><tr><th>state</th><th>run</th><th>key</th><th>params</th><th>detail</th></tr></thead><tbody>" +
    s.runs.map((r) => "<tr><td>" + esc(r.status) + "</td><td>" + esc(r.index) + "</td><td><code>" + esc(r.key.slice(0, 12)) + "</code></td><td>" +
      esc(Object.entries(r.params).map(([k, v]) => k + "=" + JSON.stringify(v)).join(" ")) + "</td><td>" + esc(r.detail) + "</td></tr>").join("") +
    "</tbody></table></div>").join("");
}

async function drawFigures() {
  const ids = [...state.selected];
  const container = $("figures");
  if (ids.length === 0) { container.innerHTML = '<p class="muted">Select artifacts or runs to draw their curves.</p>'; return; }
  const res = await getJson("/api/figures?ids=" + encodeURIComponent(ids.join(",")));
  if (!res.figures) { container.innerHTML = '<p class="bad">' + esc(res.error || "no figures") + "</p>"; return; }
  container.innerHTML = res.figures.length === 0 ? '<p class="muted">No curves in this selection.</p>' : "";
  for (const f of res.figures) {
    const box = document.createElement("div");
    box.dataset.testid = "figure";
    box.dataset.name = f.name;
    container.appendChild(box);
    const view = new vega.View(vega.parse(vegaLite.compile(f.spec).spec), { renderer: "svg", container: box, hover: true });
    await view.runAsync();
    box.dataset.rows = String(f.rows);
  }
}

async function drawDiff() {
  const arts = [...state.selected].filter((id) => !id.startsWith("live/"));
  const el = $("diff");
  if (arts.length !== 2) { el.innerHTML = '<p class="muted">Select exactly two artifacts to see where their configs differ.</p>'; return; }
  const res = await getJson("/api/diff?a=" + encodeURIComponent(arts[0]) + "&b=" + encodeURIComponent(arts[1]));
  if (!res.rows) { el.innerHTML = '<p class="bad">' + esc(res.error) + "</p>"; return; }
  el.innerHTML = res.rows.length === 0 ? "<p>The two key records are identical.</p>" :
    '<table data-testid="diff"><thead><tr><th>path</th><th>' + esc(arts[0].split("/")[1].slice(0, 8)) + "</th><th>" + esc(arts[1].split("/")[1].slice(0, 8)) + "</th></tr></thead><tbody>" +
    res.rows.map((r) => '<tr data-testid="diff-row"><td><code>' + esc(r.path) + "</code></td><td>" + esc(r.a === undefined ? "(absent)" : JSON.stringify(r.a)) +
      "</td><td>" + esc(r.b === undefined ? "(absent)" : JSON.stringify(r.b)) + "</td></tr>").join("") + "</tbody></table>";
}

async function drawFocus() {
  const el = $("detail");
  const a = state.data && state.data.artifacts.find((x) => x.id === state.focus);
  if (!a) { el.innerHTML = '<p class="muted">Click an artifact to open its report, figures and replays.</p>'; return; }
  const base = "/files/" + a.stage + "/" + a.digest + "/";
  const report = a.files.includes("report.md") ? await (await fetch(base + "report.md")).text() : null;
  const svgs = a.files.filter((f) => f.endsWith(".svg"));
  const pages = a.files.filter((f) => f.endsWith(".html"));
  el.innerHTML = "<h3>" + esc(a.id) + "</h3>" +
    "<p>" + a.files.map((f) => '<a href="' + base + esc(f) + '" target="_blank">' + esc(f) + "</a>").join(" · ") + "</p>" +
    (report === null ? "" : '<pre data-testid="report">' + esc(report) + "</pre>") +
    svgs.map((f) => '<img class="fig" data-testid="artifact-figure" src="' + base + esc(f) + '" alt="' + esc(f) + '">').join("") +
    pages.map((f) => "<h4>" + esc(f) + '</h4><iframe data-testid="replay" src="' + base + esc(f) + '"></iframe>').join("");
}

async function refresh(force) {
  const data = await getJson("/api/store");
  state.data = data;
  $("root").textContent = data.root;
  $("counts").textContent = data.artifacts.length + " artifacts · " + data.live.filter((r) => !r.ended).length + " runs in progress · " + data.sweeps.length + " sweeps";
  if (state.focus === null && data.artifacts.length > 0) {
    state.focus = data.artifacts[0].id;
    state.selected.add(data.artifacts[0].id);
  }
  const signature = JSON.stringify([data.artifacts.map((a) => a.id), data.live.map((r) => [r.id, r.points]), data.sweeps]);
  if (!force && signature === state.signature) return;
  state.signature = signature;
  $("artifacts").innerHTML = artifactRows(data.artifacts);
  $("live").innerHTML = liveRows(data.live);
  $("live-section").style.display = data.live.length === 0 ? "none" : "";
  $("sweeps").innerHTML = sweepBlocks(data.sweeps);
  $("sweeps-section").style.display = data.sweeps.length === 0 ? "none" : "";
  const figureKey = JSON.stringify([[...state.selected], data.live.filter((r) => state.selected.has(r.id)).map((r) => r.points)]);
  if (force || figureKey !== state.figureKey) { state.figureKey = figureKey; await drawFigures(); }
}

document.addEventListener("click", async (ev) => {
  const t = ev.target;
  if (t.dataset && t.dataset.verify) {
    const out = $("verify-" + t.dataset.verify.replace(/\W/g, "_"));
    out.textContent = "hashing…";
    const r = await getJson("/api/verify?id=" + encodeURIComponent(t.dataset.verify));
    out.className = r.ok ? "ok" : "bad";
    out.textContent = r.ok ? "ok, " + r.checked + " files match" : "MISMATCH " + [...(r.mismatched || []), ...(r.missing || []).map((m) => m + " (missing)"), ...(r.unexpected || []).map((u) => u + " (unexpected)")].join(", ") + (r.error || "");
    return;
  }
  if (t.dataset && t.dataset.select) {
    if (t.checked) state.selected.add(t.dataset.select); else state.selected.delete(t.dataset.select);
    await Promise.all([refresh(true), drawDiff()]);
    return;
  }
  const row = t.closest && t.closest("tr[data-testid=artifact]");
  if (row) { state.focus = row.dataset.id; await Promise.all([refresh(true), drawFocus()]); }
});

(async () => {
  await refresh(true);
  await Promise.all([drawDiff(), drawFocus()]);
  document.body.dataset.ready = "1";
  setInterval(() => refresh(false).catch(() => {}), 2000);
})();
`

/** The page's HTML. */
export const pageHtml = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fsv dashboard</title>
<style>${STYLE}</style>
<script src="/vendor/vega.js"></script><script src="/vendor/vega-lite.js"></script>
</head><body>
<header><h1>fsv dashboard</h1><span id="root"></span><span id="counts"></span></header>
<main>
<section><h2>Figures of the selection</h2><div id="figures"></div></section>
<section id="live-section"><h2>Runs in progress (and ended runs whose artifact may still be publishing)</h2><table><thead><tr><th></th><th>stage</th><th>run</th><th>state</th><th>steps</th><th>last win rate</th><th>points</th><th>updated (UTC)</th></tr></thead><tbody id="live"></tbody></table></section>
<section><h2>Artifacts</h2><table><thead><tr><th></th><th>stage</th><th>digest</th><th>learners</th><th>maps</th><th>seeds</th><th>budget</th><th>backend</th><th>finished (UTC)</th><th>took</th><th>size</th><th></th></tr></thead><tbody id="artifacts"></tbody></table></section>
<section><h2>Config diff</h2><div id="diff"></div></section>
<section id="sweeps-section"><h2>Sweeps</h2><div id="sweeps"></div></section>
<section><h2>Artifact</h2><div id="detail"></div></section>
</main>
<script>${SCRIPT}</script>
</body></html>
`
