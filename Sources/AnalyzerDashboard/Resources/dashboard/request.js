// One request by correlation or trace ID: waterfall with the critical path and inline errors, and
// its diagnosis as it forms.
"use strict";

const requestID = pathID("/requests/");

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = document.getElementById("search").value.trim();
  if (id) location.href = requestPath(id);
});

async function load() {
  if (!requestID) {
    setProgress("Enter a correlation ID or a trace ID (32 hex digits), e.g. from an incident's sample requests.");
    return;
  }
  document.getElementById("search").value = requestID;
  setProgress("gathering data");
  let trace;
  try {
    trace = await api("/api/requests/" + encodeURIComponent(requestID) + "/trace");
  } catch (error) {
    setProgress(String(error.message || error), "failed");
    return;
  }
  setProgress("");
  renderSummary(trace);
  renderWaterfall(trace);
  document.getElementById("diagnosis-card").hidden = false;
  streamDiagnosis(requestID, "diagnosis");
}

function renderSummary(trace) {
  const card = fill("request-summary",
    h("p", { class: "headline" }, h("span", { class: "mono" }, trace.correlation_id), " ",
      trace.success === false ? h("span", { class: "status bad" }, `failed ${trace.status_code || ""}`)
        : h("span", { class: "status ok" }, `ok ${trace.status_code || ""}`)),
    h("p", {}, `${time(trace.start)} · ${ms(trace.duration_ms)} ms · ${trace.spans.length} spans across ${trace.services.join(", ")}`),
    h("p", { class: "muted" }, "trace ", trace.trace_ids.map((id) => h("a", { href: requestPath(id), class: "mono" }, id + " "))));
  card.hidden = false;
  document.title = `${trace.correlation_id} · request · analyzer`;
}

function renderWaterfall(trace) {
  document.getElementById("waterfall-card").hidden = false;
  const total = Math.max(trace.duration_ms, ...trace.spans.map((s) => s.offset_ms + s.duration_ms), 0.001);
  const rows = [h("div", { class: "wf-head" }, h("span", {}, "span"), h("span", {}, `0 — ${ms(total)} ms`))];
  for (const span of trace.spans) {
    const failed = span.success === false;
    const label = span.kind === "client"
      ? `${span.service} → ${span.target_service || "?"} ${span.name}${span.attempt > 1 ? ` (attempt ${span.attempt})` : ""}`
      : `${span.service} ${span.name}`;
    const bar = h("span", { class: `bar${span.critical ? " critical" : ""}${failed ? " failed" : ""}${span.in_flight ? " in-flight" : ""}`,
      title: `${label}: ${ms(span.duration_ms)} ms (self ${ms(span.self_ms)} ms) at +${ms(span.offset_ms)} ms${span.status_code ? `, status ${span.status_code}` : ""}${span.error ? `, ${span.error}` : ""}` });
    bar.style.left = `${(span.offset_ms / total) * 100}%`;
    bar.style.width = `${Math.max(0.3, (span.duration_ms / total) * 100)}%`;
    const name = h("span", { class: "wf-name" }, label);
    name.style.paddingLeft = `${span.depth * 14}px`;
    rows.push(h("div", { class: `span-row${failed ? " failed" : ""}${span.critical ? " critical" : ""}`, data: { spanId: span.id } },
      name,
      h("span", { class: "wf-track" }, bar),
      h("span", { class: "wf-figures" }, `${ms(span.duration_ms)} ms`, span.status_code ? ` · ${span.status_code}` : "", span.error ? ` · ${span.error}` : "")));
    for (const event of span.events || []) {
      if (!["error", "warning", "critical", "fatal"].includes(event.level) && event.event_type !== "error") continue;
      if (!event.message) continue;
      const line = h("div", { class: `event-row level-${event.level}` }, h("span", { class: "event-time" }, clock(event.timestamp)), " ",
        h("span", { class: "event-level" }, event.level), " ", h("span", { class: "event-message" }, event.message));
      line.style.paddingLeft = `${span.depth * 14 + 18}px`;
      rows.push(line);
    }
  }
  for (const event of trace.loose_events || []) {
    if (!event.message) continue;
    rows.push(h("div", { class: `event-row loose level-${event.level}` }, h("span", { class: "event-time" }, clock(event.timestamp)), " ",
      h("span", { class: "event-level" }, event.level), " ", h("span", { class: "event-message" }, event.message)));
  }
  fill("waterfall", rows);
}

live({});
load();
