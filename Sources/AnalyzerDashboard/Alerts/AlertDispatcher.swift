import AnalyzerCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends incident alerts to every configured target: one notification per incident state (see
/// ``AlertDecider``), delivered in order per target, retried with exponential backoff while the
/// receiver is down or answers 5xx/429/408, and given up (logged and counted) after
/// ``RetryPolicy/attempts`` tries. Alertmanager targets also get every open incident again each
/// ``RetryPolicy/alertmanagerRepeat`` (as Prometheus does), or Alertmanager would resolve them on
/// its own after its `resolve_timeout`.
public actor AlertDispatcher {
    /// How hard to try.
    public struct RetryPolicy: Sendable, Hashable {
        public var attempts = 6
        public var firstBackoff: Duration = .milliseconds(500)
        public var maximumBackoff: Duration = .seconds(30)
        public var requestTimeout: Duration = .seconds(10)
        public var alertmanagerRepeat: Duration = .seconds(60)
        public init() {}
    }

    /// What happened to the notifications so far, per target URL (for tests and `/metrics`).
    public struct Tally: Sendable, Hashable {
        public var delivered = 0
        public var failed = 0
        public var retries = 0
    }

    private let targets: [AlertTarget]
    private let dashboard: String
    private let policy: RetryPolicy
    private let client: HTTPClient
    private var decider = AlertDecider()
    private var queues: [AsyncStream<[UInt8]>.Continuation] = []
    private var workers: [Task<Void, Never>] = []
    private var tallies: [String: Tally] = [:]
    private var lastRepeat = ContinuousClock.now

    /// A dispatcher for `targets`, linking to the dashboard at `dashboard` (its base URL).
    public init(targets: [AlertTarget], dashboard: String, policy: RetryPolicy = RetryPolicy(), client: HTTPClient = .shared) {
        self.targets = targets
        self.dashboard = dashboard
        self.policy = policy
        self.client = client
    }

    /// Announces nothing for `incidents`: they were already known before this process started.
    public func seed(with incidents: [Incident]) {
        decider.seed(with: incidents)
    }

    /// Queues the notifications the tracked `incidents` of one analysis call for; returns at once.
    public func consider(_ incidents: [Incident]) {
        guard !targets.isEmpty else { return }
        startWorkersIfNeeded()
        let alerts = decider.changes(in: incidents, dashboard: dashboard)
        let openIncidents = incidents.filter { $0.lifecycle?.state != .resolved }
        let repeatDue = ContinuousClock.now - lastRepeat >= policy.alertmanagerRepeat
        if repeatDue { lastRepeat = .now }
        let fresh = Set(alerts.map(\.incidentID))
        for (index, target) in targets.enumerated() {
            for alert in alerts { queues[index].yield(AlertPayload.body(alert, format: target.format)) }
            if target.format == .alertmanager && repeatDue {
                for incident in openIncidents where !fresh.contains(incident.id) {
                    queues[index].yield(AlertPayload.body(IncidentAlert(.opened, incident: incident, dashboard: dashboard), format: .alertmanager))
                }
            }
        }
    }

    /// Delivery figures per target URL.
    public func tally() -> [String: Tally] { tallies }

    /// Stops taking notifications and waits (at most `deadline`) for the queued ones to be tried.
    public func drain(deadline: Duration = .seconds(10)) async {
        for queue in queues { queue.finish() }
        let running = workers
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for worker in running { await worker.value }
            }
            group.addTask { try? await Task.sleep(for: deadline) }
            await group.next()
            group.cancelAll()
            for worker in running { worker.cancel() }
        }
    }

    private func startWorkersIfNeeded() {
        guard queues.isEmpty else { return }
        for target in targets {
            let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(1000))
            queues.append(continuation)
            workers.append(Task { [policy, client] in
                for await body in stream {
                    let outcome = await Self.deliver(body, to: target, policy: policy, client: client)
                    self.record(outcome, for: target)
                }
            })
        }
    }

    private func record(_ outcome: Delivery, for target: AlertTarget) {
        var tally = tallies[target.url] ?? Tally()
        tally.retries += outcome.attempts - 1
        if outcome.delivered { tally.delivered += 1 } else { tally.failed += 1 }
        tallies[target.url] = tally
        if let problem = outcome.problem, !outcome.delivered {
            FileHandle.standardError.write(Data("analyzer: alert to \(target.format.rawValue) \(target.url) given up after \(outcome.attempts) attempts: \(problem)\n".utf8))
        }
    }

    struct Delivery: Sendable {
        var delivered: Bool
        var attempts: Int
        var problem: String?
    }

    /// Posts `body`, retrying what may succeed later (no answer, 5xx, 429, 408) with exponential backoff.
    static func deliver(_ body: [UInt8], to target: AlertTarget, policy: RetryPolicy, client: HTTPClient) async -> Delivery {
        var backoff = policy.firstBackoff
        var problem: String?
        for attempt in 1...max(1, policy.attempts) {
            if Task.isCancelled { return Delivery(delivered: false, attempts: attempt - 1, problem: problem ?? "cancelled") }
            var request = HTTPClientRequest(url: target.endpoint)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "analyzer-alerts/1")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(max(1, policy.requestTimeout.components.seconds)))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return Delivery(delivered: true, attempts: attempt) }
                problem = "HTTP \(status)"
                guard status >= 500 || status == 429 || status == 408 else { return Delivery(delivered: false, attempts: attempt, problem: problem) }
            } catch {
                problem = "\(error)"
            }
            guard attempt < policy.attempts else { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, policy.maximumBackoff)
        }
        return Delivery(delivered: false, attempts: policy.attempts, problem: problem)
    }
}
