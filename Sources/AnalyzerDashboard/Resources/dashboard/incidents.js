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
    const row = h("tr", { class: fresh.has(incident.id) ? "incident-row new" : "incident-row", data: { incidentId: incident.id },
      on: { click: (event) => { if (!event.target.closest("a")) location.href = incidentPath(incident.id); } } },
      h("td", {}, h("a", { href: incidentPath(incident.id) }, time(incident.start))),
      h("td", {}, duration(incident.start, incident.end)),
      h("td", {}, (incident.entry_services || []).join(", ")),
      h("td", {}, h("strong", { class: "root-cause" }, cause.service || "unknown")),
      h("td", {}, kindBadge(cause.kind)),
      h("td", {}, `${Math.round((cause.confidence || 0) * 100)}%`),
      h("td", {}, `${incident.affected_requests} of ${incident.total_requests}`),
      h("td", {}, `${(incident.error_templates || []).length} templates`, newTemplates ? h("span", { class: "badge-new" }, `${newTemplates} new`) : null));
    body.appendChild(row);
  }
}

live({
  incidents: (data) => {
    for (const id of data.new_ids || []) fresh.add(id);
    load();
  },
});
load();
