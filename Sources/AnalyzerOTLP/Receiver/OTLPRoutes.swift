import AnalyzerCore
import Hummingbird
import Logging
import OTLPModel
import ServiceLog
import SwiftProtobuf

/// OTLP/HTTP on the analyzer: `POST /v1/traces`, `/v1/logs` and `/v1/metrics` (mount under `/v1`,
/// beside `/v1/events`), in protobuf or JSON, plain or gzip, so that an OpenTelemetry SDK, the
/// OpenTelemetry Collector, Vector or Fluent Bit can send straight to the analyzer.
///
/// The items are mapped into canonical events (``SpanMapping``, ``LogRecordMapping``,
/// ``MetricMapping``), checked with the same limits as an NDJSON line, and stored before the answer:
/// 200 means stored. Answers follow the OTLP specification:
///
/// | Outcome | Status | Body |
/// |---|---|---|
/// | stored (some items may be refused) | 200 | `Export…ServiceResponse`, with `partial_success` when items were refused |
/// | every item refused | 400 | `google.rpc.Status` naming why |
/// | not a valid message, corrupt gzip | 400 | `google.rpc.Status` |
/// | `Origin` of another site | 403 | `google.rpc.Status` |
/// | body over the time limit | 408 | `google.rpc.Status` |
/// | body or inflated body over the limit | 413 | `google.rpc.Status` |
/// | `Content-Type` not protobuf or JSON, unknown `Content-Encoding` | 415 | `google.rpc.Status` |
/// | busy, or the store failed | 503 + `Retry-After` (senders retry) | `google.rpc.Status` |
///
/// Bodies are in the request's encoding (JSON for a JSON request, else protobuf). The bearer token,
/// when configured, is checked before (401) by the group's middleware.
public struct OTLPRoutes<Context: RequestContext>: Sendable {
    /// Where the events go.
    public let store: any EventStore
    /// Body and field limits (those of `/v1/events`).
    public let limits: IngestLimits
    /// Seconds a sender is asked to wait when busy or when the store failed.
    public let retryAfterSeconds: Int
    /// The most time a body may take to arrive.
    public let bodyTimeout: Duration
    /// What all requests in progress may hold, shared with `/v1/events`.
    public let budget: IngestMemoryBudget
    /// Whether a token guards the endpoints (without one, only loopback origins are same-site).
    public let tokenRequired: Bool

    /// Creates the routes.
    public init(
        store: any EventStore, limits: IngestLimits = IngestLimits(), retryAfterSeconds: Int = 5, bodyTimeout: Duration = .seconds(60),
        budget: IngestMemoryBudget? = nil, tokenRequired: Bool = false
    ) {
        self.store = store
        self.limits = limits
        self.retryAfterSeconds = retryAfterSeconds
        self.bodyTimeout = bodyTimeout
        self.budget = budget ?? IngestMemoryBudget(capacity: limits.maxInFlightBytes)
        self.tokenRequired = tokenRequired
    }

    /// Adds `POST traces`, `POST logs` and `POST metrics` to `router`.
    public func addRoutes(to router: some RouterMethods<Context>) {
        for signal in OTLPSignal.allCases {
            router.post(RouterPath(stringLiteral: signal.rawValue)) { request, context in
                try await receive(signal, request, context: context)
            }
        }
    }

    /// Handles one export request.
    func receive(_ signal: OTLPSignal, _ request: Request, context: Context) async throws -> Response {
        guard let encoding = OTLPEncoding(contentType: request.headers[.contentType]) else {
            return try Self.failure(
                .unsupportedMediaType, "Content-Type must be application/x-protobuf or application/json (OTLP/HTTP), not \(request.headers[.contentType] ?? "none")",
                encoding: .protobuf, context: context)
        }
        if let refusal = IngestRoutes<Context>.originRefusal(request, loopbackOnly: !tokenRequired) {
            return try failure(refusal, encoding: encoding, context: context)
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes {
            return try failure(.bodyTooLarge(limit: limits.maxBodyBytes), encoding: encoding, context: context)
        }
        let reservation = IngestMemoryBudget.Reservation(budget)
        defer { reservation.release() }
        let body: [UInt8]
        do {
            body = try await OTLPBodyReader(limits: limits, bodyTimeout: bodyTimeout, reservation: reservation)
                .read(request.body, contentEncoding: request.headers[.contentEncoding])
        } catch {
            return try failure(error, encoding: encoding, context: context)
        }
        let batch: OTLPMappedBatch
        do {
            batch = try Self.map(signal, body, encoding: encoding, fields: limits.fields)
        } catch {
            return try Self.failure(.badRequest, error.description, encoding: encoding, context: context)
        }
        if batch.acceptedItems == 0, batch.rejectedItems > 0 {
            return try Self.failure(
                .badRequest, "all \(batch.rejectedItems) \(signal.itemName) were refused: \(batch.errorMessage)", encoding: encoding, context: context)
        }
        if !batch.events.isEmpty {
            do {
                _ = try await store.insert(batch.events)
            } catch {
                context.logger.error("event store failed; OTLP batch not acknowledged", metadata: ["reason": "\(error)", "signal": "\(signal.rawValue)"])
                return try Self.failure(
                    .serviceUnavailable, "the event store is unavailable; retry later", encoding: encoding, context: context,
                    headers: [.retryAfter: "\(retryAfterSeconds)"])
            }
        }
        if batch.rejectedItems > 0 {
            context.logger.notice(
                "stored an OTLP batch with refused items",
                metadata: ["signal": "\(signal.rawValue)", "refused": .stringConvertible(batch.rejectedItems), "reason": "\(batch.reasons.first ?? "")"])
        }
        return try Self.response(signal, batch, encoding: encoding)
    }

    /// Decodes and maps one body.
    static func map(_ signal: OTLPSignal, _ body: [UInt8], encoding: OTLPEncoding, fields: FieldLimits?) throws(OTLPMessageDecoding.Failure) -> OTLPMappedBatch {
        switch signal {
        case .traces:
            SpanMapping.events(from: try OTLPMessageDecoding.decode(Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest.self, from: body, encoding: encoding), limits: fields)
        case .logs:
            LogRecordMapping.events(from: try OTLPMessageDecoding.decode(Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest.self, from: body, encoding: encoding), limits: fields)
        case .metrics:
            MetricMapping.events(from: try OTLPMessageDecoding.decode(Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest.self, from: body, encoding: encoding), limits: fields)
        }
    }

    /// The export response, with OTLP's partial success when items were refused.
    static func response(_ signal: OTLPSignal, _ batch: OTLPMappedBatch, encoding: OTLPEncoding) throws -> Response {
        let refused = Int64(batch.rejectedItems)
        let message: any SwiftProtobuf.Message
        switch signal {
        case .traces:
            var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
            if refused > 0 { response.partialSuccess = .with { $0.rejectedSpans = refused; $0.errorMessage = batch.errorMessage } }
            message = response
        case .logs:
            var response = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse()
            if refused > 0 { response.partialSuccess = .with { $0.rejectedLogRecords = refused; $0.errorMessage = batch.errorMessage } }
            message = response
        case .metrics:
            var response = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse()
            if refused > 0 { response.partialSuccess = .with { $0.rejectedDataPoints = refused; $0.errorMessage = batch.errorMessage } }
            message = response
        }
        return try Self.encoded(message, status: .ok, encoding: encoding)
    }

    private func failure(_ error: IngestError, encoding: OTLPEncoding, context: Context) throws -> Response {
        let headers: HTTPFields = error.status == .serviceUnavailable ? [.retryAfter: "\(retryAfterSeconds)"] : [:]
        return try Self.failure(error.status, error.description, encoding: encoding, context: context, headers: headers)
    }

    /// A refusal: the status, and a `google.rpc.Status` body saying why.
    static func failure(
        _ status: HTTPResponse.Status, _ reason: String, encoding: OTLPEncoding, context: Context, headers: HTTPFields = [:]
    ) throws -> Response {
        context.logger.notice("refused an OTLP request", metadata: ["status": .stringConvertible(status.code), "reason": "\(reason)"])
        var body = Google_Rpc_Status()
        // gRPC's codes for the same outcomes: INVALID_ARGUMENT, PERMISSION_DENIED, DEADLINE_EXCEEDED,
        // RESOURCE_EXHAUSTED, UNAVAILABLE.
        body.code = switch status.code {
        case 403: 7
        case 408: 4
        case 413: 8
        case 503: 14
        default: 3
        }
        body.message = reason
        return try encoded(body, status: status, encoding: encoding, headers: headers)
    }

    static func encoded(_ message: any SwiftProtobuf.Message, status: HTTPResponse.Status, encoding: OTLPEncoding, headers: HTTPFields = [:]) throws -> Response {
        let bytes: [UInt8] = switch encoding {
        case .protobuf: try message.serializedBytes()
        case .json: try message.jsonUTF8Bytes()
        }
        var fields = headers
        fields[.contentType] = encoding.contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
