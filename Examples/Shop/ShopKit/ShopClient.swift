import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLog
import ServiceLogHTTPClient

/// How one service calls another: through ServiceLog's traced `callService` (one `service_call` event
/// per attempt, trace context propagated), with a per-attempt timeout and retries on 502/503/504,
/// timeouts and refused connections.
public struct ShopClient: Sendable {
    /// A dependency answered with a failure, or could not be reached.
    public struct DependencyFailed: Error, CustomStringConvertible {
        public var service: String
        public var endpoint: String
        public var reason: String
        public var description: String { "\(service) \(endpoint) failed: \(reason)" }
    }

    public let topology: ShopTopology
    public let http: HTTPClient
    public let logger: Logger

    public init(topology: ShopTopology, http: HTTPClient, logger: Logger) {
        self.topology = topology
        self.http = http
        self.logger = logger
    }

    /// Whether `service` runs in this shop (the small shop of the tests leaves some out; their calls are skipped).
    public func has(_ service: String) -> Bool { topology.contains(service) }

    /// Calls `service` and returns the body of a 2xx answer; `nil` when the service is not part of
    /// this shop. Any other answer, a timeout or a refused connection throws ``DependencyFailed``.
    @discardableResult
    public func call(
        _ service: String, _ path: String, method: HTTPMethod = .GET, query: String? = nil, body: String? = nil,
        timeout: TimeAmount = .milliseconds(1500), attempts: Int = 2
    ) async throws -> String? {
        guard let base = topology.url(of: service) else { return nil }
        var request = HTTPClientRequest(url: base + path + (query.map { "?" + $0 } ?? ""))
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: ServiceResponse
        do {
            response = try await http.callService(
                service, request, endpoint: path, timeout: timeout,
                retry: RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(50)), logger: logger)
        } catch {
            throw DependencyFailed(service: service, endpoint: path, reason: "\(HTTPClient.classify(error).rawValue)")
        }
        guard (200..<300).contains(response.status.code) else {
            throw DependencyFailed(service: service, endpoint: path, reason: "status \(response.status.code)")
        }
        return response.text
    }

    /// `call`, but a failure is logged as a warning and gives `nil`: for what a page can do without.
    public func optional(_ service: String, _ path: String, query: String? = nil) async -> String? {
        do {
            return try await call(service, path, query: query, timeout: .milliseconds(800), attempts: 1)
        } catch {
            logger.warning("degraded: \(error)", metadata: ["dependency": .string(service)])
            return nil
        }
    }
}
