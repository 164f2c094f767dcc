// Service and edge health over a window before the newest event.
"use strict";

const select = document.getElementById("window");
select.addEventListener("change", load);
let pending = null;

async function load() {
  try {
    const graph = await api(`/api/services?window=${encodeURIComponent(select.value)}`);
    fill("window-note", `${Math.round(graph.window_seconds)} s of data`);
    drawServiceMap("service-map", graph, {});
    renderNodes(graph);
    renderEdges(graph);
  } catch (error) {
    showError("service-map", error);
  }
}

function level(ratio) { return ratio >= 0.05 ? "bad" : ratio >= 0.01 ? "warn" : "ok"; }

function renderNodes(graph) {
  const body = clear(document.querySelector("#service-table tbody"));
  const nodes = [...graph.nodes].sort((a, b) => b.error_ratio - a.error_ratio || a.service.localeCompare(b.service));
  for (const node of nodes) {
    body.appendChild(h("tr", { class: `health-${level(node.error_ratio)}`, data: { service: node.service } },
      h("td", {}, node.service), h("td", { class: "num" }, node.rate.toFixed(2)), h("td", { class: "num" }, node.requests),
      h("td", { class: "num" }, percent(node.error_ratio)), h("td", { class: "num" }, ms(node.p50_ms)), h("td", { class: "num" }, ms(node.p99_ms))));
  }
}

function renderEdges(graph) {
  const body = clear(document.querySelector("#edge-table tbody"));
  const edges = [...graph.edges].sort((a, b) => b.error_ratio - a.error_ratio || a.caller.localeCompare(b.caller));
  for (const edge of edges) {
    const kinds = Object.entries(edge.error_kinds || {}).sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind} ${count}`).join(", ");
    body.appendChild(h("tr", { class: `health-${level(edge.error_ratio)}` },
      h("td", {}, edge.caller), h("td", {}, edge.callee, edge.callee_seen ? "" : h("span", { class: "muted" }, " (no events)")),
      h("td", { class: "num" }, edge.rate.toFixed(2)), h("td", { class: "num" }, edge.calls), h("td", { class: "num" }, percent(edge.error_ratio)),
      h("td", { class: "num" }, ms(edge.p50_ms)), h("td", { class: "num" }, ms(edge.p99_ms)), h("td", {}, kinds)));
  }
}

// New data: refresh after the analysis that follows it (at most every few seconds).
live({ incidents: () => { clearTimeout(pending); pending = setTimeout(load, 500); } });
load();
