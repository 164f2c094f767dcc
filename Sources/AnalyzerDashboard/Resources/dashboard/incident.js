// One incident: summary, timeline, service map with ranked candidates, evidence, error templates,
// sample failing requests and the diagnosis as it forms.
"use strict";

const incidentID = pathID("/incidents/");

async function load() {
  let incident;
  try {
    incident = await api("/api/incidents/" + encodeURIComponent(incidentID));
  } catch (error) {
    showError("summary", error);
    return;
  }
  renderSummary(incident);
  renderCandidates(incident);
  renderNotes(incident);
  renderTemplates(incident);
  renderSamples(incident);
  loadTimeline(incident);
  loadMap(incident);
  if ((incident.correlation_ids || []).length) streamDiagnosis(incident.correlation_ids[0], "diagnosis");
  else fill("diagnosis", h("p", { class: "muted" }, "No sample request to diagnose."));
}

function renderSummary(incident) {
  const cause = incident.root_cause || {};
  document.title = `${cause.service || "undetermined"} — incident · analyzer`;
  fill("title", "Incident ", h("span", { class: "mono" }, incident.id), " ", stateBadge(incident.lifecycle));
  const headline = cause.service
    ? h("p", { class: "headline" }, "ROOT CAUSE: ", h("strong", { id: "root-cause", class: "root-cause" }, cause.service), " ",
      kindBadge(cause.kind), h("span", { class: "muted" }, ` confidence ${Math.round((cause.confidence || 0) * 100)}%`))
    : h("p", { class: "headline" }, "ROOT CAUSE: ", h("strong", { id: "root-cause", class: "abstained" }, "undetermined"),
      h("span", { class: "muted" }, " — the evidence does not single out one service; the candidates below are what changed."));
  const path = incident.path || [];
  fill("summary",
    headline,
    h("p", {}, `${time(incident.start)} → ${time(incident.end)} (${duration(incident.start, incident.end)})`),
    lifecycleLine(incident.lifecycle),
    h("p", {}, `Impact: ${incident.affected_requests} of ${incident.total_requests} user requests to ${(incident.entry_services || []).join(", ")} failed or slowed`
      + ` (${percent(incident.affected_requests / Math.max(1, incident.total_requests))}).`),
    path.length > 1 ? h("p", { id: "path" }, "Path: ", path.map((service, index) => [index ? " → " : "", h("strong", {}, service)])) : null,
    h("p", { class: "muted" }, "Affected: ", (incident.affected_services || []).join(", ")));
}

/** When the incident was detected and whether it is still going on, as the analyzer tracks it. */
function lifecycleLine(lifecycle) {
  if (!lifecycle) return null;
  if (lifecycle.state === "resolved") {
    return h("p", { id: "lifecycle", class: "lifecycle" }, `Resolved: ${lifecycle.resolution || time(lifecycle.resolved_at)}. First detected ${time(lifecycle.detected_at)}.`);
  }
  return h("p", { id: "lifecycle", class: "lifecycle" },
    `Open: first detected ${time(lifecycle.detected_at)}, seen in ${lifecycle.analyses} analys${lifecycle.analyses === 1 ? "is" : "es"}, last at ${time(lifecycle.updated_at)}.`);
}

/** What changed that is not a fault: client errors (rate limiting, bad requests) and traffic shifts. */
function renderNotes(incident) {
  const notes = [
    ...(incident.client_errors || []).map((note) => h("li", { class: "client-error" }, h("span", { class: "signal" }, "client errors"), " ", note.summary)),
    ...(incident.traffic || []).map((note) => h("li", { class: "traffic" }, h("span", { class: "signal" }, "traffic"), " ", note.summary)),
  ];
  const section = document.getElementById("notes");
  section.hidden = notes.length === 0;
  fill("note-list", notes);
}

function renderCandidates(incident) {
  const list = fill("candidates");
  if (!(incident.candidates || []).length) list.appendChild(h("li", { class: "muted" }, "No service's own behaviour changed."));
  incident.candidates.forEach((candidate, index) => {
    list.appendChild(h("li", { class: index === 0 ? "candidate top" : "candidate", data: { service: candidate.service } },
      h("p", {}, h("strong", {}, candidate.service), " ", kindBadge(candidate.kind), h("span", { class: "muted" }, ` score ${candidate.score.toFixed(2)}`)),
      h("ul", { class: "evidence" }, (candidate.evidence || []).map((evidence) => h("li", {},
        h("span", { class: "signal" }, evidence.signal), " ", evidence.summary,
        (evidence.sample_requests || []).length ? h("span", { class: "samples-inline" }, " e.g. ",
          evidence.sample_requests.slice(0, 2).map((id) => h("a", { href: requestPath(id), class: "mono" }, id.slice(0, 8)))) : null)))));
  });
}

function renderTemplates(incident) {
  const body = clear(document.querySelector("#templates tbody"));
  const templates = incident.error_templates || [];
  if (!templates.length) body.appendChild(h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No error or warning messages during the incident.")));
  for (const template of templates) {
    body.appendChild(h("tr", { class: template.is_new ? "template new" : "template" },
      h("td", {}, template.is_new ? h("span", { class: "badge-new" }, "NEW") : ""),
      h("td", { class: "num" }, `${template.count}×`),
      h("td", {}, template.service),
      h("td", { class: "mono template-text" }, template.template),
      h("td", { class: "mono example" }, template.example)));
  }
}

function renderSamples(incident) {
  const list = fill("samples");
  for (const id of incident.correlation_ids || []) {
    list.appendChild(h("li", {}, h("a", { href: requestPath(id), class: "mono" }, id)));
  }
  if (!list.children.length) list.appendChild(h("li", { class: "muted" }, "none recorded"));
}

async function loadTimeline(incident) {
  try {
    const timeline = await api(`/api/incidents/${encodeURIComponent(incident.id)}/timeline`);
    const band = [ts(timeline.incident_start), ts(timeline.incident_end)];
    const points = (series, key) => series.buckets.map((b) => [ts(b.start) + timeline.bucket_seconds * 500, b.requests ? b[key] : null]);
    const entries = timeline.series.filter((s) => s.role === "entry");
    const candidates = timeline.series.filter((s) => s.role === "candidate").slice(0, 1);
    fill("timeline",
      h("h3", {}, "Error ratio"),
      lineChart(entries.concat(candidates).map((s) => ({ name: `${s.service} errors`, points: points(s, "error_ratio") })),
        { band, format: (v) => percent(v), title: "error ratio", minMax: 0.05 }),
      h("h3", {}, "Latency p95 (ms)"),
      lineChart(entries.concat(candidates).map((s) => ({ name: `${s.service} p95`, points: points(s, "p95_ms") })),
        { band, format: (v) => v.toFixed(0), title: "latency p95" }));
  } catch (error) {
    showError("timeline", error);
  }
}

async function loadMap(incident) {
  try {
    const start = ts(incident.start), end = ts(incident.end);
    const from = new Date(start - 60000).toISOString(), until = new Date(end + 1000).toISOString();
    const graph = await api(`/api/services?from=${encodeURIComponent(from)}&until=${encodeURIComponent(until)}`);
    const ranks = new Map((incident.candidates || []).map((c, index) => [c.service, index + 1]));
    drawServiceMap("service-map", graph, { ranks, path: incident.path || [] });
  } catch (error) {
    showError("service-map", error);
  }
}

live({});
load();
