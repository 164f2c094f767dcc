// Shared helpers of the dashboard pages. Plain JavaScript, no build step.
//
// Safety rule: text that comes from the analyzer (service names, log messages, templates, IDs) is only
// ever put into the page as text: h()/svg() set it with createTextNode/textContent, never parsed as markup.
// Log content is untrusted; a message holding <script> must show as those characters.
"use strict";

/** Creates an HTML element. props: {class, href, title, id, data: {...}, on: {event: fn}}; children: nodes or text. */
function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "data") for (const [name, v] of Object.entries(value)) element.dataset[name] = String(v);
    else if (key === "on") for (const [name, fn] of Object.entries(value)) element.addEventListener(name, fn);
    else if (key === "href") element.setAttribute("href", safeHref(value));
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

/** Creates an SVG element with attributes; children: nodes or text. */
function svg(tag, attrs, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Only same-site paths: an ID from the data can never become a javascript: URL. */
function safeHref(value) {
  const text = String(value);
  return text.startsWith("/") && !text.startsWith("//") ? text : "#";
}

/** Removes every child of an element. */
function clear(element) {
  while (element.firstChild) element.removeChild(element.firstChild);
  return element;
}

/** Replaces the children of the element with this id. */
function fill(id, ...children) {
  const element = clear(document.getElementById(id));
  append(element, children);
  return element;
}

/** GET a JSON API path; throws an Error with the API's message on failure. */
async function api(path) {
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  let body = null;
  try { body = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

function requestPath(id) { return "/requests/" + encodeURIComponent(id); }
function incidentPath(id) { return "/incidents/" + encodeURIComponent(id); }
/** The last path segment, decoded (the ID of an incident or request page). */
function pathID(prefix) {
  const path = location.pathname;
  if (!path.startsWith(prefix)) return "";
  try { return decodeURIComponent(path.slice(prefix.length)); } catch (_) { return ""; }
}

/** Milliseconds since the epoch of an RFC 3339 time (microseconds are cut to milliseconds first). */
function ts(rfc3339) { return Date.parse(String(rfc3339).replace(/(\.\d{3})\d+/, "$1")); }

function time(rfc3339) {
  if (!rfc3339) return "–";
  const date = new Date(ts(rfc3339));
  if (isNaN(date)) return rfc3339;
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
function clock(rfc3339) { return time(rfc3339).slice(11, 19); }
function duration(start, end) {
  const seconds = Math.max(0, (ts(end) - ts(start)) / 1000);
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}
function ms(value) { return value === null || value === undefined ? "–" : value >= 100 ? value.toFixed(0) : value.toFixed(1); }
function percent(ratio) { return ratio === null || ratio === undefined ? "–" : (ratio * 100).toFixed(ratio >= 0.1 ? 0 : 1) + "%"; }
function kindLabel(kind) { return String(kind || "unknown").replace(/_/g, " "); }
function kindBadge(kind) { return h("span", { class: "kind kind-" + String(kind).replace(/[^a-z_]/g, "") }, kindLabel(kind)); }

/** Shows a line in the page's progress area. */
function setProgress(message, stage) { showStage("progress", message, stage); }

/** Shows the incident analysis's stage in the header (every page). */
function setAnalysis(message, stage) { showStage("analysis", message, stage); }

function showStage(id, message, stage) {
  const element = document.getElementById(id);
  if (!element) return;
  element.textContent = message;
  element.dataset.stage = stage || "";
}

function showError(id, error) {
  fill(id, h("p", { class: "error" }, String(error && error.message ? error.message : error)));
}

/**
 * Subscribes to the live stream (/api/stream) and calls handlers[name](data) for each event.
 * The browser reconnects by itself; the header's dot shows the state.
 */
function live(handlers) {
  const dot = document.getElementById("live");
  const source = new EventSource("/api/stream");
  const state = (text, cls) => { if (dot) { dot.textContent = text; dot.className = "live " + cls; } };
  source.onopen = () => state("live", "on");
  source.onerror = () => state("reconnecting…", "off");
  for (const name of ["hello", "ingest", "progress", "incidents"]) {
    source.addEventListener(name, (event) => {
      let data = null;
      try { data = JSON.parse(event.data); } catch (_) { return; }
      if (name === "progress" && data.scope === "incidents") setAnalysis(data.message, data.stage);
      if (name === "hello" && data.last_analysis) setAnalysis(`${data.incidents} incident${data.incidents === 1 ? "" : "s"} (${data.open_incidents} open) in ${data.stored_events} events`, "incidents_ready");
      if (handlers[name]) handlers[name](data);
    });
  }
  return source;
}

/**
 * Streams the diagnosis of one request into the element with this id: each stage as it happens
 * ("gathering data", "analysing traces", "built-in diagnosis ready", "AI hypothesis ready" or
 * "AI unavailable: why"), then the diagnosis itself.
 */
function streamDiagnosis(id, elementID) {
  const root = fill(elementID, h("ol", { class: "steps", id: elementID + "-steps" }), h("div", { class: "diagnosis-body" }));
  const steps = root.querySelector("ol");
  const body = root.querySelector(".diagnosis-body");
  const source = new EventSource(requestPath(id).replace("/requests/", "/api/requests/") + "/diagnosis/stream");
  source.addEventListener("progress", (event) => {
    const data = JSON.parse(event.data);
    steps.appendChild(h("li", { class: "step step-" + data.stage, data: { stage: data.stage } }, data.message));
  });
  source.addEventListener("diagnosis", (event) => renderDiagnosis(clear(body), JSON.parse(event.data)));
  source.addEventListener("done", () => source.close());
  source.onerror = () => { source.close(); };
  return source;
}

function renderDiagnosis(container, diagnosis) {
  const cause = diagnosis.root_cause || {};
  append(container, [
    h("p", { class: "hypothesis" },
      h("span", { class: "source source-" + diagnosis.source }, diagnosis.source === "llm" ? "AI" : "built-in"), " ",
      diagnosis.hypothesis),
    h("p", {}, "Root cause: ", h("strong", { class: "diagnosis-root" }, cause.service || "unknown"), " ", kindBadge(cause.kind),
      ` confidence ${Math.round((diagnosis.confidence || 0) * 100)}%`),
    diagnosis.fallback_reason ? h("p", { class: "muted" }, diagnosis.fallback_reason) : null,
    (diagnosis.recommended_actions || []).length
      ? h("ol", { class: "actions" }, diagnosis.recommended_actions.map((action) => h("li", {}, action)))
      : null,
  ]);
}

/** Longest-path layering of a call graph: callers left of callees (cycles are cut). */
function layers(names, edges) {
  const depth = new Map(names.map((name) => [name, 0]));
  for (let round = 0; round < names.length; round++) {
    let changed = false;
    for (const edge of edges) {
      if (edge.caller === edge.callee) continue;
      const next = (depth.get(edge.caller) || 0) + 1;
      if (next > (depth.get(edge.callee) || 0) && next < names.length) { depth.set(edge.callee, next); changed = true; }
    }
    if (!changed) break;
  }
  return depth;
}

/** An incident's lifecycle state as a badge: open (still going on) or resolved (with when, on hover). */
function stateBadge(lifecycle) {
  if (!lifecycle) return h("span", { class: "muted" }, "—");
  const resolved = lifecycle.state === "resolved";
  return h("span", { class: resolved ? "state state-resolved" : "state state-open",
    title: resolved ? (lifecycle.resolution || "resolved") : `seen in ${lifecycle.analyses} analyses, last at ${lifecycle.updated_at}` },
    resolved ? "resolved" : "open");
}

/**
 * Draws the service map (ServiceGraph JSON) as inline SVG into the element with this id.
 * options.ranks: Map service -> rank (1 = root cause) for an incident's candidates.
 * options.path: the propagation path, root cause first, up to the entry: its calls are drawn bold.
 */
function drawServiceMap(elementID, graph, options) {
  const ranks = (options && options.ranks) || new Map();
  const path = (options && options.path) || [];
  // The path runs from the cause up to its callers; a map edge runs caller -> callee.
  const onPath = new Set(path.slice(1).map((caller, index) => `${caller}\u0000${path[index]}`));
  const nodeStats = new Map(graph.nodes.map((node) => [node.service, node]));
  const names = [...new Set([...graph.nodes.map((n) => n.service), ...graph.edges.flatMap((e) => [e.caller, e.callee])])].sort();
  const depth = layers(names, graph.edges);
  const columns = new Map();
  for (const name of names) {
    const d = depth.get(name);
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(name);
  }
  const boxW = 150, boxH = 40, gapX = 70, gapY = 18, pad = 16;
  const position = new Map();
  let rows = 0;
  for (const [d, list] of columns) {
    list.forEach((name, row) => position.set(name, { x: pad + d * (boxW + gapX), y: pad + row * (boxH + gapY) }));
    rows = Math.max(rows, list.length);
  }
  const width = pad * 2 + columns.size * (boxW + gapX) - gapX;
  const height = pad * 2 + rows * (boxH + gapY) - gapY;
  const root = svg("svg", { viewBox: `0 0 ${Math.max(width, 200)} ${Math.max(height, 60)}`, width: Math.max(width, 200), height: Math.max(height, 60), class: "service-map", role: "img" },
    svg("title", {}, "Service map"),
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 9, markerHeight: 9, orient: "auto-start-reverse" },
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }))));
  for (const edge of graph.edges) {
    const from = position.get(edge.caller), to = position.get(edge.callee);
    if (!from || !to) continue;
    const x1 = from.x + boxW, y1 = from.y + boxH / 2, x2 = to.x, y2 = to.y + boxH / 2;
    const back = x2 <= x1;
    const d = back
      ? `M ${from.x + boxW / 2} ${from.y + boxH} C ${from.x + boxW / 2} ${from.y + boxH + 40}, ${to.x + boxW / 2} ${to.y + boxH + 40}, ${to.x + boxW / 2} ${to.y + boxH}`
      : `M ${x1} ${y1} C ${x1 + gapX / 2} ${y1}, ${x2 - gapX / 2} ${y2}, ${x2} ${y2}`;
    const level = edge.error_ratio >= 0.05 ? "bad" : edge.error_ratio >= 0.01 ? "warn" : "ok";
    const pathClass = onPath.has(`${edge.caller}\u0000${edge.callee}`) ? " edge-path" : "";
    root.appendChild(svg("path", { d, class: `edge edge-${level}${pathClass}`, "marker-end": "url(#arrow)", "stroke-width": Math.min(4, 1 + Math.log10(1 + edge.rate * 5)).toFixed(2) },
      svg("title", {}, `${edge.caller} → ${edge.callee}: ${edge.calls} calls, ${edge.rate.toFixed(2)}/s, errors ${percent(edge.error_ratio)}, p99 ${ms(edge.p99_ms)} ms${edge.callee_seen ? "" : " (no events from the callee)"}`)));
  }
  for (const name of names) {
    const at = position.get(name);
    const stats = nodeStats.get(name);
    const rank = ranks.get(name);
    let cls = "node";
    if (rank === 1) cls += " node-root";
    else if (rank) cls += " node-candidate";
    else if (stats && stats.error_ratio >= 0.05) cls += " node-bad";
    else if (!stats || stats.requests === 0) cls += " node-quiet";
    const detail = stats && stats.requests ? `${stats.rate.toFixed(1)}/s · ${percent(stats.error_ratio)} err · p99 ${ms(stats.p99_ms)}` : "no requests served";
    const group = svg("g", { class: cls, transform: `translate(${at.x} ${at.y})`, "data-service": name },
      svg("title", {}, `${name}: ${detail}${rank ? ` (candidate #${rank})` : ""}`),
      svg("rect", { width: boxW, height: boxH, rx: 6 }),
      svg("text", { x: 8, y: 16, class: "node-name" }, name.length > 18 ? name.slice(0, 17) + "…" : name),
      svg("text", { x: 8, y: 31, class: "node-detail" }, detail));
    if (rank) {
      group.appendChild(svg("circle", { cx: boxW - 2, cy: 2, r: 10, class: "rank" }));
      group.appendChild(svg("text", { x: boxW - 2, y: 6, class: "rank-text", "text-anchor": "middle" }, `#${rank}`));
    }
    root.appendChild(group);
  }
  fill(elementID, root);
}

/**
 * A line chart as inline SVG. series: [{name, cls, points: [[timeMs, value|null], ...]}];
 * options: {band: [startMs, endMs], format: v => text, title}.
 */
function lineChart(series, options) {
  const W = 720, H = 190, left = 56, right = 12, top = 14, bottom = 28;
  const all = series.flatMap((s) => s.points);
  const times = all.map((p) => p[0]);
  const values = all.map((p) => p[1]).filter((v) => v !== null && v !== undefined);
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const vMax = Math.max(...values, options.minMax || 0) || 1;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
  const y = (v) => top + (1 - v / vMax) * (H - top - bottom);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img" }, svg("title", {}, options.title || "chart"));
  if (options.band) {
    const [b0, b1] = options.band;
    root.appendChild(svg("rect", { x: x(b0), y: top, width: Math.max(1, x(b1) - x(b0)), height: H - top - bottom, class: "band" },
      svg("title", {}, "incident window")));
  }
  for (let i = 0; i <= 4; i++) {
    const v = (vMax * i) / 4;
    root.appendChild(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }));
    root.appendChild(svg("text", { x: left - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, options.format(v)));
  }
  for (let i = 0; i <= 5; i++) {
    const t = t0 + ((t1 - t0) * i) / 5;
    root.appendChild(svg("text", { x: x(t), y: H - 8, class: "axis", "text-anchor": "middle" }, new Date(t).toISOString().slice(11, 19)));
  }
  series.forEach((s, index) => {
    let d = "";
    let pen = false;
    for (const [t, v] of s.points) {
      if (v === null || v === undefined) { pen = false; continue; }
      d += `${pen ? "L" : "M"} ${x(t).toFixed(1)} ${y(v).toFixed(1)} `;
      pen = true;
    }
    root.appendChild(svg("path", { d: d || "M 0 0", class: `line line-${index} ${s.cls || ""}` }, svg("title", {}, s.name)));
  });
  const legend = h("div", { class: "legend" }, series.map((s, index) => h("span", { class: `key key-${index}` }, s.name)));
  return h("div", { class: "chart-box" }, root, legend);
}
