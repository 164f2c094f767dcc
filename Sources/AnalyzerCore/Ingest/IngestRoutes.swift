import Foundation
import Hummingbird
import Logging
import ServiceLog

/// `POST /v1/events`: reads one NDJSON batch (optionally gzip), stores the valid events, and only then
/// acknowledges.
///
/// The shipper moves its checkpoint on any 2xx, so the order matters: 200 is sent after
/// ``EventStore/insert(_:)`` returned (the store is durable by then); a store failure is a 503 with
/// `Retry-After`, and the shipper resends the same batch later (duplicates are skipped by `event_id`).
///
/// | Outcome | Status | Body |
/// |---|---|---|
/// | stored (some lines may be invalid) | 200 | ``IngestResult`` |
/// | every line invalid | 400 | ``IngestResult`` |
/// | corrupt gzip | 400 | ``IngestFailure`` |
/// | `Origin` of another site (a web page posting) | 403 | ``IngestFailure`` |
/// | body not complete within the body timeout | 408 | ``IngestFailure`` |
/// | body, inflated body or line count over the limit | 413 | ``IngestFailure`` |
/// | `Content-Type` not NDJSON/JSON, unsupported `Content-Encoding` | 415 | ``IngestFailure`` |
/// | requests in progress hold the in-flight memory budget | 503 + `Retry-After` | ``IngestFailure`` |
/// | store failed | 503 + `Retry-After` | ``IngestFailure`` |
/// | zlib failed (out of memory) | 500 | ``IngestFailure`` |
///
/// A token, when configured, is checked before this by ``BearerTokenMiddleware`` (401).
public struct IngestRoutes<Context: RequestContext>: Sendable {
    /// Where accepted events go.
    public let store: any EventStore
    /// Body, line and nesting limits.
    public let limits: IngestLimits
    /// Seconds a sender is asked to wait after a store failure or when the server is busy.
    public let retryAfterSeconds: Int
    /// The most time a request body may take to arrive.
    public let bodyTimeout: Duration
    /// What all requests in progress may hold (``IngestLimits/maxInFlightBytes``).
    public let budget: IngestMemoryBudget
    /// Whether a token guards the endpoint. Without one the analyzer listens on loopback only, so its
    /// own origin is a loopback one: a page whose name was rebound to 127.0.0.1 is another site.
    public let tokenRequired: Bool

    /// The media types a body may be declared as (parameters such as `charset` are ignored).
    public static var acceptedContentTypes: [String] {
        ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/json"]
    }

    /// Creates the routes; `budget` is shared by every request (by default one of `limits.maxInFlightBytes`).
    public init(
        store: any EventStore, limits: IngestLimits = IngestLimits(), retryAfterSeconds: Int = 5,
        bodyTimeout: Duration = .seconds(60), budget: IngestMemoryBudget? = nil, tokenRequired: Bool = false
    ) {
        self.tokenRequired = tokenRequired
        self.store = store
        self.limits = limits
        self.retryAfterSeconds = retryAfterSeconds
        self.bodyTimeout = bodyTimeout
        self.budget = budget ?? IngestMemoryBudget(capacity: limits.maxInFlightBytes)
    }

    /// Adds `POST events` to `router` (mount it under `/v1`).
    public func addRoutes(to router: some RouterMethods<Context>) {
        router.post("events", use: ingest)
    }

    /// Handles one batch.
    @Sendable func ingest(_ request: Request, context: Context) async throws -> Response {
        // A browser sends `Origin` on every cross-site POST; a shipper or curl sends none (or ours).
        if let refusal = Self.originRefusal(request, loopbackOnly: !tokenRequired) { return try failure(refusal, context: context) }
        if let refusal = Self.contentTypeRefusal(request.headers[.contentType]) { return try failure(refusal, context: context) }
        // Refuse a declared oversize body before reading a byte of it.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes {
            return try failure(.bodyTooLarge(limit: limits.maxBodyBytes), context: context)
        }
        // Held until the events are stored (or the request fails): their memory counts against the budget.
        let reservation = IngestMemoryBudget.Reservation(budget)
        defer { reservation.release() }
        let batch: IngestBatch
        do {
            var decoder = try IngestBatchDecoder(
                contentEncoding: request.headers[.contentEncoding], limits: limits, reservation: reservation)
            // Decode as the body arrives: neither the compressed nor the inflated body is ever held whole.
            // A stalled connection is closed by the server's idle timeout; a trickling one stops here.
            let deadline = ContinuousClock.now + bodyTimeout
            for try await buffer in request.body {
                guard ContinuousClock.now < deadline else { throw IngestError.bodyTimeout(seconds: bodyTimeout.components.seconds) }
                try buffer.withUnsafeReadableBytes { try decoder.feed($0) }
            }
            batch = try decoder.finish()
        } catch let error as IngestError {
            return try failure(error, context: context)
        }

        if batch.isEntirelyInvalid {
            context.logger.notice(
                "rejected a batch with no valid line",
                metadata: ["invalid": .stringConvertible(batch.invalidCount), "first_error": "\(batch.errors.first ?? "")"])
            let result = IngestResult(
                accepted: 0, duplicates: 0, invalid: batch.invalidCount, invalidLines: batch.invalidLines, errors: batch.errors)
            return try JSONResponse.make(result, status: .badRequest)
        }

        var receipt = StoreReceipt()
        if !batch.events.isEmpty {
            do {
                receipt = try await store.insert(batch.events)
            } catch {
                // Nothing is acknowledged: the sender keeps the batch and resends it after Retry-After.
                context.logger.error(
                    "event store failed; batch not acknowledged",
                    metadata: ["reason": "\(error)", "events": .stringConvertible(batch.events.count)])
                return try JSONResponse.make(
                    IngestFailure(error: "the event store is unavailable; retry later"),
                    status: .serviceUnavailable, headers: [.retryAfter: "\(retryAfterSeconds)"])
            }
        }
        if batch.invalidCount > 0 {
            context.logger.notice(
                "stored a batch with invalid lines",
                metadata: ["invalid": .stringConvertible(batch.invalidCount), "first_error": "\(batch.errors.first ?? "")"])
        }
        let result = IngestResult(
            accepted: receipt.inserted, duplicates: receipt.duplicates, invalid: batch.invalidCount,
            invalidLines: batch.invalidLines, errors: batch.errors)
        return try JSONResponse.make(result, status: .ok)
    }

    private func failure(_ error: IngestError, context: Context) throws -> Response {
        context.logger.notice("refused an ingest request", metadata: ["reason": "\(error)"])
        let headers: HTTPFields = error.status == .serviceUnavailable ? [.retryAfter: "\(retryAfterSeconds)"] : [:]
        return try JSONResponse.make(IngestFailure(error: error.description), status: error.status, headers: headers)
    }

    /// 403 when `Origin` names another site than the one the request was sent to (`Host`), or, when
    /// `loopbackOnly`, a name that is not loopback (DNS rebinding: a page on `evil.example` whose name
    /// now points to 127.0.0.1 sends `Origin` and `Host` alike). `Origin: null` (sandboxed frames,
    /// `file:` pages) is another site too.
    package static func originRefusal(_ request: Request, loopbackOnly: Bool) -> IngestError? {
        guard let origin = request.headers[.origin] else { return nil }
        let authority = (request.head.authority ?? "").lowercased()
        let expected = "http://\(authority)"
        let lowered = origin.lowercased()
        let sameSite = !authority.isEmpty && ["http://", "https://"].contains { lowered == $0 + authority }
        guard sameSite, !loopbackOnly || Self.isLoopbackAuthority(authority) else {
            return .crossOrigin(origin: origin, expected: loopbackOnly ? "http://127.0.0.1 or http://localhost" : expected)
        }
        return nil
    }

    /// Whether `host[:port]` (or `[v6]:port`) names this machine.
    static func isLoopbackAuthority(_ authority: String) -> Bool {
        var host = Substring(authority)
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return AnalyzerServerConfiguration.isLoopback(String(host))
    }

    /// 415 unless the body is declared as NDJSON or JSON: `text/plain` and form types are what a web
    /// page can send to another site without asking first (no CORS preflight).
    static func contentTypeRefusal(_ header: String?) -> IngestError? {
        guard let header else { return .unsupportedContentType(nil) }
        let mediaType = header.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return acceptedContentTypes.contains(mediaType) ? nil : .unsupportedContentType(header)
    }
}
