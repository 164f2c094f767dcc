import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// Polls `analyzer serve`'s `/api/incidents` (the shape of `analyzer incidents --json`) until an
/// incident with a named root cause covers the time after a fault.
public struct IncidentWatcher: Sendable {
    /// The fields of an incident the demo and the tests read.
    public struct ReportedIncident: Sendable, Decodable, Hashable {
        public struct RootCause: Sendable, Decodable, Hashable {
            public var service: String
            public var kind: String
            public var confidence: Double
        }
        public struct Candidate: Sendable, Decodable, Hashable {
            public var service: String
            public var score: Double
        }
        public var id: String
        public var start: String
        public var end: String
        public var rootCause: RootCause
        public var candidates: [Candidate]
        public var correlationIDs: [String]

        enum CodingKeys: String, CodingKey {
            case id, start, end, candidates
            case rootCause = "root_cause"
            case correlationIDs = "correlation_ids"
        }
    }

    public let analyzerURL: String

    public init(analyzerURL: String) {
        self.analyzerURL = analyzerURL
    }

    /// The incidents the analyzer lists now (empty when it cannot be reached).
    public func incidents(http: HTTPClient = .shared) async -> [ReportedIncident] {
        guard let response = try? await http.execute(HTTPClientRequest(url: analyzerURL + "/api/incidents"), timeout: .seconds(30)),
              response.status == .ok, let body = try? await response.body.collect(upTo: 32 << 20)
        else { return [] }
        return (try? JSONDecoder().decode([ReportedIncident].self, from: Data(buffer: body))) ?? []
    }

    /// Waits for an incident ending after `fault` with a root cause other than `unknown`; then, so the
    /// answer rests on more than the first seconds, for `settle` more before reading it again.
    public func waitForIncident(
        after fault: Date, timeout: Duration, settle: Duration = .seconds(8), http: HTTPClient = .shared
    ) async -> ReportedIncident? {
        let deadline = ContinuousClock.now + timeout
        func current() async -> ReportedIncident? {
            await incidents(http: http).first { incident in
                guard let end = Self.date(incident.end) else { return false }
                return end > fault && incident.rootCause.service != "unknown"
            }
        }
        while ContinuousClock.now < deadline {
            if await current() != nil {
                try? await Task.sleep(for: settle)
                return await current()
            }
            try? await Task.sleep(for: .seconds(2))
        }
        return nil
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
