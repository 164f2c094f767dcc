import Hummingbird
import Logging

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
/// | body or inflated body over the limit | 413 | ``IngestFailure`` |
/// | unsupported `Content-Encoding` | 415 | ``IngestFailure`` |
/// | store failed | 503 + `Retry-After` | ``IngestFailure`` |
/// | zlib failed (out of memory) | 500 | ``IngestFailure`` |
///
/// A token, when configured, is checked before this by ``BearerTokenMiddleware`` (401).
public struct IngestRoutes<Context: RequestContext>: Sendable {
    /// Where accepted events go.
    public let store: any EventStore
    /// Body, line and nesting limits.
    public let limits: IngestLimits
    /// Seconds a sender is asked to wait after a store failure.
    public let retryAfterSeconds: Int

    /// Creates the routes.
    public init(store: any EventStore, limits: IngestLimits = IngestLimits(), retryAfterSeconds: Int = 5) {
        self.store = store
        self.limits = limits
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Adds `POST events` to `router` (mount it under `/v1`).
    public func addRoutes(to router: some RouterMethods<Context>) {
        router.post("events", use: ingest)
    }

    /// Handles one batch.
    @Sendable func ingest(_ request: Request, context: Context) async throws -> Response {
        // Refuse a declared oversize body before reading a byte of it.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes {
            return try failure(.bodyTooLarge(limit: limits.maxBodyBytes), context: context)
        }
        let batch: IngestBatch
        do {
            var decoder = try IngestBatchDecoder(contentEncoding: request.headers[.contentEncoding], limits: limits)
            // Decode as the body arrives: neither the compressed nor the inflated body is ever held whole.
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try decoder.feed($0) }
            }
            batch = try decoder.finish()
        } catch let error as IngestError {
            return try failure(error, context: context)
        }

        if batch.isEntirelyInvalid {
            context.logger.notice(
                "rejected a batch with no valid line",
                metadata: ["invalid": "\(batch.invalidCount)", "first_error": "\(batch.errors.first ?? "")"])
            let result = IngestResult(accepted: 0, duplicates: 0, invalid: batch.invalidCount, errors: batch.errors)
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
                    metadata: ["error": "\(error)", "events": "\(batch.events.count)"])
                return try JSONResponse.make(
                    IngestFailure(error: "the event store is unavailable; retry later"),
                    status: .serviceUnavailable, headers: [.retryAfter: "\(retryAfterSeconds)"])
            }
        }
        if batch.invalidCount > 0 {
            context.logger.notice(
                "stored a batch with invalid lines",
                metadata: ["invalid": "\(batch.invalidCount)", "first_error": "\(batch.errors.first ?? "")"])
        }
        let result = IngestResult(
            accepted: receipt.inserted, duplicates: receipt.duplicates, invalid: batch.invalidCount, errors: batch.errors)
        return try JSONResponse.make(result, status: .ok)
    }

    private func failure(_ error: IngestError, context: Context) throws -> Response {
        context.logger.notice("refused an ingest request", metadata: ["reason": "\(error)"])
        return try JSONResponse.make(IngestFailure(error: error.description), status: error.status)
    }
}
