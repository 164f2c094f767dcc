import AnalyzerCore
import AnalyzerDashboard
import AnalyzerEvaluation
import Foundation
import ServiceLog
import Testing

/// Alerts out: one notification per incident state, in each target's shape, delivered through a
/// receiver that is down at first, from a real `serve` (store, ingest over HTTP, analyses).
@Suite struct AlertTests {
    /// The recorded memory leak in `payments`, followed by 5 minutes of recovery, with the fault's end.
    static func leak() throws -> (events: [Event], faultEnd: Int64) {
        var spec = try #require(ScenarioGenerator.plan(seed: 1, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("memory_leak-") })
        spec.requestsPerSecond = 2.5
        let fault = try #require(spec.fault)
        spec.durationSeconds = fault.startSecond + fault.durationSeconds + 300
        let scenario = ScenarioGenerator.generate(spec)
        return (scenario.events, try #require(scenario.label).faultEnd.microsecondsSinceEpoch)
    }

    @Test func oneNotificationPerIncidentState() throws {
        let (events, _) = try Self.leak()
        var incident = try #require(IncidentAnalyzer().incidents(in: Observations(events: events)).first)
        incident.lifecycle = IncidentLifecycle(state: .open, detectedAt: incident.start, updatedAt: incident.end, analyses: 1)
        var decider = AlertDecider()
        let base = "http://analyzer.example:4180"
        let opened = decider.changes(in: [incident], dashboard: base)
        #expect(opened.map(\.change) == [.opened])
        #expect(opened.first?.rootCauseService == "payments" && opened.first?.kind == "memory_leak")
        #expect(opened.first?.dashboardURL == base + "/incidents/" + incident.id)
        #expect(opened.first?.evidence.isEmpty == false)
        #expect(decider.changes(in: [incident], dashboard: base).isEmpty, "seen again unchanged: nothing to tell")

        var moved = incident
        moved.rootCause.service = "orders"
        let changed = decider.changes(in: [moved], dashboard: base)
        #expect(changed.map(\.change) == [.rootCauseChanged])
        #expect(changed.first?.previousRootCause == "payments" && changed.first?.rootCauseService == "orders")

        var resolved = moved
        resolved.lifecycle?.state = .resolved
        resolved.lifecycle?.resolution = "no service changed beyond its baseline"
        let closing = decider.changes(in: [resolved], dashboard: base)
        #expect(closing.map(\.change) == [.resolved])
        #expect(decider.changes(in: [resolved], dashboard: base).isEmpty)

        // Known before a restart: not announced again; first seen resolved: nothing going on.
        var restarted = AlertDecider()
        restarted.seed(with: [incident])
        #expect(restarted.changes(in: [incident], dashboard: base).isEmpty)
        var fresh = AlertDecider()
        #expect(fresh.changes(in: [resolved], dashboard: base).isEmpty)
    }

    @Test func aBadTargetURLIsRefusedWithTheFlag() {
        #expect(throws: AlertTargetError.self) { try AlertTarget(url: "ftp://x", format: .webhook).validated() }
        #expect(throws: AlertTargetError.self) { try AlertTarget(url: "not a url", format: .slack).validated() }
        #expect(throws: Never.self) { try AlertTarget(url: "http://127.0.0.1:9093", format: .alertmanager).validated() }
        #expect(AlertTarget(url: "http://am:9093/", format: .alertmanager).endpoint == "http://am:9093/api/v2/alerts")
    }

    @Test func serveAlertsEveryTargetWhenAnIncidentOpensAndResolvesThroughAReceiverThatWasDown() async throws {
        let (events, faultEnd) = try Self.leak()
        // First the data up to the fault's end (the incident is open), then the rest (it resolves).
        let cut = events.firstIndex { $0.timestamp.microsecondsSinceEpoch > faultEnd } ?? events.count
        let receiver = AlertReceiver(failFirst: ["/hook": 2])
        try await withAlertReceiver(receiver) { receiverURL in
            var dashboard = quickDashboard
            dashboard.alerts = [
                AlertTarget(url: receiverURL + "/hook", format: .webhook), AlertTarget(url: receiverURL, format: .alertmanager),
                AlertTarget(url: receiverURL + "/slack", format: .slack),
            ]
            dashboard.dashboardURL = "http://dashboard.example"
            let (store, _) = try await Recorded.store(with: Array(events[..<cut]))
            try await withDashboard(store: store, dashboard: dashboard) { server in
                let opened = await eventually { await receiver.bodies(at: "/hook").count >= 1 }
                #expect(opened, "no webhook notification arrived")
                let first = try #require(await receiver.bodies(at: "/hook").first?.json() as? [String: Any])
                #expect(first["change"] as? String == "opened")
                #expect(first["root_cause_service"] as? String == "payments")
                #expect(first["kind"] as? String == "memory_leak")
                #expect((first["dashboard_url"] as? String)?.hasPrefix("http://dashboard.example/incidents/inc-") == true)
                let refused = await receiver.refused
                #expect(refused == 2, "the receiver was down for two tries")

                let reachedAlertmanager = await eventually { await !receiver.bodies(at: "/api/v2/alerts").isEmpty }
                #expect(reachedAlertmanager)
                let alerts = try #require(await receiver.bodies(at: "/api/v2/alerts").first?.json() as? [[String: Any]])
                let labels = try #require(alerts.first?["labels"] as? [String: String])
                #expect(labels["alertname"] == "AnalyzerIncident" && labels["service"] == "payments" && labels["kind"] == "memory_leak")
                #expect(alerts.first?["endsAt"] == nil, "an open incident has no end yet")

                let reachedSlack = await eventually { await !receiver.bodies(at: "/slack").isEmpty }
                #expect(reachedSlack)
                let slack = try #require(await receiver.bodies(at: "/slack").first?.json() as? [String: String])
                #expect(slack["text"]?.contains("payments memory_leak") == true)
                #expect(slack["text"]?.contains("<http://dashboard.example/incidents/") == true)

                try await server.ingest(Array(events[cut...]))
                let resolved = await eventually(90) {
                    await receiver.bodies(at: "/hook").contains { ($0.json() as? [String: Any])?["change"] as? String == "resolved" }
                }
                let received = await receiver.bodies(at: "/hook").map(\.body)
                #expect(resolved, "no resolved notification: \(received)")
                let hooks = await receiver.bodies(at: "/hook").compactMap { ($0.json() as? [String: Any])?["change"] as? String }
                #expect(hooks.filter { $0 == "opened" }.count == 1, "one notification per state: \(hooks)")
                let ended = await eventually {
                    await receiver.bodies(at: "/api/v2/alerts").contains { body in
                        ((body.json() as? [[String: Any]])?.first?["endsAt"] as? String) != nil
                    }
                }
                #expect(ended, "Alertmanager was not told the incident ended")
            }
        }
    }
}
