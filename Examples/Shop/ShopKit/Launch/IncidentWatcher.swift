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

    /// `analyzer serve`'s base URL.
    public let analyzerURL: String

    /// A watcher of the analyzer at `analyzerURL`.
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
    /// answer rests on more than the first seconds, for `settle` more before reading it again (the same
    /// incident by ID if it is still listed, else the newest match, else the first answer).
    public func waitForIncident(
        after fault: Date, timeout: Duration, settle: Duration = .seconds(8), http: HTTPClient = .shared
    ) async -> ReportedIncident? {
        let deadline = ContinuousClock.now + timeout
        func matching() async -> [ReportedIncident] {
            await incidents(http: http).filter { incident in
                guard let end = Self.date(incident.end) else { return false }
                return end > fault && incident.rootCause.service != "unknown"
            }
        }
        while ContinuousClock.now < deadline {
            if let first = await matching().first {
                try? await Task.sleep(for: settle)
                let later = await matching()
                return later.first { $0.id == first.id } ?? later.first ?? first
            }
            try? await Task.sleep(for: .seconds(2))
        }
        return nil
    }

    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
    }
}
