// The incidents page: every known incident, newest first, updated live.
"use strict";

const fresh = new Set();

async function load() {
  try {
    const incidents = await api("/api/incidents");
    render(incidents);
  } catch (error) {
    showError("incidents-box", error);
  }
}

function render(incidents) {
  incidents.sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : 0));
  const body = clear(document.querySelector("#incidents tbody"));
  document.getElementById("empty").hidden = incidents.length > 0;
  for (const incident of incidents) {
    const cause = incident.root_cause || {};
    const newTemplates = (incident.error_templates || []).filter((t) => t.is_new).length;
    const resolved = incident.lifecycle && incident.lifecycle.state === "resolved";
    const row = h("tr", { class: "incident-row" + (fresh.has(incident.id) ? " new" : "") + (resolved ? " resolved" : ""), data: { incidentId: incident.id },
      on: { click: (event) => { if (!event.target.closest("a")) location.href = incidentPath(incident.id); } } },
      h("td", {}, h("a", { href: incidentPath(incident.id) }, time(incident.start))),
      h("td", {}, duration(incident.start, incident.end)),
      h("td", {}, (incident.entry_services || []).join(", ")),
      h("td", {}, stateBadge(incident.lifecycle)),
      h("td", {}, cause.service ? h("strong", { class: "root-cause" }, cause.service) : h("span", { class: "abstained" }, "undetermined")),
      h("td", {}, kindBadge(cause.kind)),
      h("td", {}, `${Math.round((cause.confidence || 0) * 100)}%`),
      h("td", {}, `${incident.affected_requests} of ${incident.total_requests}`),
      h("td", {}, `${(incident.error_templates || []).length} templates`, newTemplates ? h("span", { class: "badge-new" }, `${newTemplates} new`) : null));
    body.appendChild(row);
  }
}

/** While the analyzer has too little data to know what normal is, say so instead of an empty list. */
function showLearning(status) {
  const note = document.getElementById("learning");
  if (note) note.hidden = !(status && status.learning_baseline);
}

live({
  hello: showLearning,
  incidents: (data) => {
    for (const id of data.new_ids || []) fresh.add(id);
    load();
  },
});
load();
