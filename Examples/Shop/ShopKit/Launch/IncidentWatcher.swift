import AnalyzerCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import ServiceLog

/// Polls `analyzer serve`'s `/api/incidents` (the shape of `analyzer incidents --json`) until an
/// incident with a named root cause covers the time after a fault. It decodes the analyzer's own
/// ``Incident``, so the shop can never read another shape than the analyzer writes.
public struct IncidentWatcher: Sendable {
    /// `analyzer serve`'s base URL.
    public let analyzerURL: String

    /// A watcher of the analyzer at `analyzerURL`.
    public init(analyzerURL: String) {
        self.analyzerURL = analyzerURL
    }

    /// The incidents the analyzer lists now (empty when it cannot be reached).
    public func incidents(http: HTTPClient = .shared) async -> [Incident] {
        guard let response = try? await http.execute(HTTPClientRequest(url: analyzerURL + "/api/incidents"), timeout: .seconds(30)),
              response.status == .ok, let body = try? await response.body.collect(upTo: 32 << 20)
        else { return [] }
        return (try? JSONDecoder().decode([Incident].self, from: Data(buffer: body))) ?? []
    }

    /// Waits for an incident ending after `fault` with a root cause other than `unknown`; then, so the
    /// answer rests on more than the first seconds, for `settle` more before reading it again (the same
    /// incident by ID if it is still listed, else the newest match, else the first answer).
    public func waitForIncident(
        after fault: Date, timeout: Duration, settle: Duration = .seconds(8), http: HTTPClient = .shared
    ) async -> Incident? {
        let deadline = ContinuousClock.now + timeout
        let faultMicros = Int64(fault.timeIntervalSince1970 * 1_000_000)
        func matching() async -> [Incident] {
            await incidents(http: http).filter { incident in
                guard let end = Timestamp(rfc3339: incident.end)?.microsecondsSinceEpoch else { return false }
                return end > faultMicros && (incident.rootCause.service ?? "unknown") != "unknown"
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
}
