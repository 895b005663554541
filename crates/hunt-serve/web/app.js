// hunt serve's web page: runs KQL through /v2/rest/query, shows the grid and the chart of a
// `render`, the schema tree from `.show database schema as json`, and the IRM alert queue
// (/irm/alerts, status through the IRM endpoint, classification through Graph).
"use strict";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

// ---- API ----------------------------------------------------------------------------------
$("token").value = sessionStorage.getItem("hunt-token") || "";
$("token").addEventListener("change", () => { sessionStorage.setItem("hunt-token", $("token").value.trim()); loadSchema(); });

async function api(method, path, body, headers = {}) {
  const h = { "Content-Type": "application/json", ...headers };
  const token = $("token").value.trim();
  if (token) h.Authorization = "Bearer " + token;
  const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON */ }
  if (!r.ok) {
    const msg = json && json.error ? json.error["@message"] || json.error.message : text || r.statusText;
    const err = new Error(`${r.status}: ${msg}`);
    err.status = r.status;
    throw err;
  }
  return { json, etag: r.headers.get("ETag") };
}

function status(text) { $("status").textContent = text; }

// ---- KQL highlighting -----------------------------------------------------------------------
const KEYWORDS = new Set(("where filter project extend summarize count take limit top sort order by asc desc join lookup union " +
  "render let datatable print range distinct mv-expand mv-apply parse parse-where project-away project-keep project-rename " +
  "project-reorder evaluate as on kind inner leftouter rightouter fullouter leftanti rightanti leftsemi rightsemi and or not " +
  "in !in has !has contains !contains startswith endswith matches regex between with serialize getschema invoke make-series " +
  "search has_any has_all true false null").split(" "));
const TOKEN = /(\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(\b\d+(?:\.\d+)?(?:[a-z]+)?\b)|([A-Za-z_][\w-]*!?)(\s*\()?|([\s\S])/g;

function highlight(src) {
  let out = "";
  for (const m of src.matchAll(TOKEN)) {
    if (m[1]) out += `<span class="c">${esc(m[1])}</span>`;
    else if (m[2]) out += `<span class="s">${esc(m[2])}</span>`;
    else if (m[3]) out += `<span class="n">${esc(m[3])}</span>`;
    else if (m[4]) {
      const w = m[4];
      if (m[5]) out += `<span class="f">${esc(w)}</span>${esc(m[5])}`;
      else out += KEYWORDS.has(w.toLowerCase()) ? `<span class="k">${esc(w)}</span>` : esc(w);
    } else out += esc(m[6]);
  }
  return out + "\n";
}

const editor = $("query");
function syncHighlight() { $("highlight").innerHTML = highlight(editor.value); $("highlight").scrollTop = editor.scrollTop; }
editor.addEventListener("input", syncHighlight);
editor.addEventListener("scroll", () => { $("highlight").scrollTop = editor.scrollTop; });
editor.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
syncHighlight();

// ---- Query, grid, chart ------------------------------------------------------------------------
async function run() {
  $("error").hidden = true;
  $("results").innerHTML = "";
  $("chart").hidden = true;
  status("running…");
  const t0 = performance.now();
  try {
    const { json } = await api("POST", "/v2/rest/query", { db: "hunt", csl: editor.value });
    const primary = json.find((f) => f.FrameType === "DataTable" && f.TableKind === "PrimaryResult");
    const props = json.find((f) => f.FrameType === "DataTable" && f.TableName === "@ExtendedProperties");
    const errors = primary.Rows.filter((r) => !Array.isArray(r));
    const rows = primary.Rows.filter((r) => Array.isArray(r));
    grid(primary.Columns, rows);
    if (errors.length) showError($("error"), errors[0].OneApiErrors[0].error["@message"]);
    if (props) {
      const vis = JSON.parse(props.Rows[0][2]);
      chart(vis, primary.Columns, rows);
    }
    $("summary").textContent = `${rows.length} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
    status("");
  } catch (e) {
    showError($("error"), e.message);
    status("");
  }
}
$("run").addEventListener("click", run);

function showError(el, msg) { el.textContent = msg; el.hidden = false; }

function cell(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function grid(columns, rows) {
  const head = columns.map((c) => `<th>${esc(c.ColumnName)}<small>${esc(c.ColumnType)}</small></th>`).join("");
  const body = rows.slice(0, 5000).map((r) => "<tr>" + r.map((v) => `<td title="${esc(cell(v))}">${esc(cell(v))}</td>`).join("") + "</tr>").join("");
  $("results").innerHTML = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const COLORS = ["#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00"];

function chart(vis, columns, rows) {
  const canvas = $("chart");
  const g = canvas.getContext("2d");
  canvas.hidden = false;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = "12px system-ui";
  const numeric = (t) => ["int", "long", "real", "decimal"].includes(t);
  let x = columns.findIndex((c) => c.ColumnName === vis.XColumn);
  if (x < 0) x = columns.findIndex((c) => !numeric(c.ColumnType));
  if (x < 0) x = 0;
  const ys = columns.map((c, i) => i).filter((i) => i !== x && numeric(columns[i].ColumnType));
  if (!ys.length || !rows.length) { g.fillText("nothing to draw: the result has no numeric column", 20, 30); return; }
  const kind = vis.Visualization;
  if (vis.Title) { g.fillStyle = "#000"; g.fillText(vis.Title, 10, 14); }
  if (kind === "piechart") {
    const total = rows.reduce((s, r) => s + Math.max(0, Number(r[ys[0]]) || 0), 0) || 1;
    let a = -Math.PI / 2;
    rows.forEach((r, i) => {
      const share = Math.max(0, Number(r[ys[0]]) || 0) / total;
      g.beginPath(); g.moveTo(150, 145); g.arc(150, 145, 110, a, a + share * 2 * Math.PI); g.closePath();
      g.fillStyle = COLORS[i % COLORS.length]; g.fill();
      g.fillText(`${cell(r[x])} (${(share * 100).toFixed(1)}%)`, 290, 30 + i * 16);
      a += share * 2 * Math.PI;
    });
    return;
  }
  const left = 60, top = 24, w = canvas.width - left - 20, h = canvas.height - top - 40;
  const values = rows.flatMap((r) => ys.map((i) => Number(r[i]) || 0));
  const max = Math.max(...values, 0), min = Math.min(...values, 0);
  const yOf = (v) => top + h - ((v - min) / ((max - min) || 1)) * h;
  g.strokeStyle = "#999"; g.beginPath(); g.moveTo(left, top); g.lineTo(left, top + h); g.lineTo(left + w, top + h); g.stroke();
  g.fillStyle = "#333"; g.fillText(String(max), 4, top + 4); g.fillText(String(min), 4, top + h);
  const bars = ["columnchart", "barchart"].includes(kind);
  const slot = w / rows.length;
  ys.forEach((yi, s) => {
    g.strokeStyle = g.fillStyle = COLORS[s % COLORS.length];
    g.beginPath();
    rows.forEach((r, i) => {
      const v = Number(r[yi]) || 0;
      if (bars) {
        const bw = Math.max(1, (slot * 0.8) / ys.length);
        g.fillRect(left + i * slot + s * bw + slot * 0.1, yOf(Math.max(v, 0)), bw, Math.abs(yOf(v) - yOf(0)));
      } else {
        const px = left + i * slot + slot / 2;
        if (i === 0) g.moveTo(px, yOf(v)); else g.lineTo(px, yOf(v));
      }
    });
    if (!bars) g.stroke();
    g.fillText(columns[yi].ColumnName, left + 10 + s * 120, canvas.height - 6);
  });
  g.fillStyle = "#333";
  const step = Math.ceil(rows.length / 8);
  rows.forEach((r, i) => { if (i % step === 0) g.fillText(cell(r[x]).slice(0, 16), left + i * slot, top + h + 14); });
}

// ---- Schema tree ------------------------------------------------------------------------------
async function loadSchema() {
  try {
    const { json } = await api("POST", "/v1/rest/mgmt", { db: "hunt", csl: ".show database schema as json" });
    const schema = JSON.parse(json.Tables[0].Rows[0][0]);
    const db = Object.values(schema.Databases)[0];
    $("schema-tree").innerHTML = Object.values(db.Tables).map((t) =>
      `<li><span class="table" data-name="${esc(t.Name)}">▸ ${esc(t.Name)}</span><ul hidden>` +
      t.OrderedColumns.map((c) => `<li class="col">${esc(c.Name)}<span class="ty">${esc(c.CslType)}</span></li>`).join("") +
      "</ul></li>").join("");
  } catch (e) {
    $("schema-tree").innerHTML = `<li class="col">${esc(e.message)}</li>`;
  }
}
$("schema-tree").addEventListener("click", (e) => {
  const t = e.target.closest(".table");
  if (!t) return;
  const list = t.nextElementSibling;
  list.hidden = !list.hidden;
  if (e.detail === 2) { editor.value = `${t.dataset.name}\n| take 100`; syncHighlight(); }
});
loadSchema();

// ---- Alert queue ---------------------------------------------------------------------------
const IRM_STATUSES = ["Needs review", "Confirmed", "Dismissed"];
const CLASSIFICATIONS = ["unknown", "truePositive", "falsePositive", "informationalExpectedActivity"];

async function loadAlerts() {
  $("alert-error").hidden = true;
  const filter = $("alert-filter").value;
  try {
    const { json } = await api("GET", "/irm/alerts" + (filter ? "?status=" + encodeURIComponent(filter) : ""));
    const graph = await api("GET", "/v1.0/security/alerts_v2?$top=2000&$filter=" + encodeURIComponent("serviceSource eq 'microsoftInsiderRiskManagement'"));
    const classOf = new Map(graph.json.value.map((a) => [a.id, a.classification]));
    const byIncident = new Map();
    for (const a of json.value) {
      if (!byIncident.has(a.incidentId)) byIncident.set(a.incidentId, []);
      byIncident.get(a.incidentId).push(a);
    }
    $("queue").innerHTML = [...byIncident].map(([id, alerts]) =>
      `<div class="incident"><h3>Incident ${esc(id)} — ${esc(alerts[0].user || "no user")} (${alerts.length} alert${alerts.length > 1 ? "s" : ""})</h3>` +
      "<table><thead><tr><th>Created</th><th>Title</th><th>Severity</th><th>IRM status</th><th>Classification</th></tr></thead><tbody>" +
      alerts.map((a) => `<tr data-id="${esc(a.id)}" data-etag='${esc(a["@odata.etag"])}'>` +
        `<td>${esc(a.createdDateTime)}</td><td>${esc(a.title)}</td><td class="sev-${esc(a.severity)}">${esc(a.severity)}</td>` +
        `<td><select class="irm-status">${IRM_STATUSES.map((s) => `<option${s === a.status ? " selected" : ""}>${s}</option>`).join("")}</select></td>` +
        `<td><select class="classification">${CLASSIFICATIONS.map((c) => `<option${c === classOf.get(a.id) ? " selected" : ""}>${c}</option>`).join("")}</select></td></tr>`).join("") +
      "</tbody></table></div>").join("") || "<p>No Insider Risk Management alerts.</p>";
  } catch (e) {
    showError($("alert-error"), e.message);
  }
}

$("queue").addEventListener("change", async (e) => {
  const row = e.target.closest("tr");
  if (!row) return;
  const id = row.dataset.id;
  try {
    if (e.target.classList.contains("irm-status")) {
      await api("PATCH", "/irm/alerts/" + encodeURIComponent(id), { status: e.target.value }, { "If-Match": row.dataset.etag });
    } else {
      await api("PATCH", "/v1.0/security/alerts_v2/" + encodeURIComponent(id), { classification: e.target.value }, { "If-Match": row.dataset.etag });
    }
    status("saved");
  } catch (err) {
    showError($("alert-error"), err.message);
  }
  loadAlerts();
});
$("reload-alerts").addEventListener("click", loadAlerts);
$("alert-filter").addEventListener("change", loadAlerts);

// ---- Tabs -------------------------------------------------------------------------------------
document.querySelectorAll(".tab").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === b));
  $("view-query").hidden = b.dataset.view !== "query";
  $("view-alerts").hidden = b.dataset.view !== "alerts";
  if (b.dataset.view === "alerts") loadAlerts();
}));
if (location.hash === "#alerts") $("tab-alerts").click();
if (location.hash === "#run") run();
