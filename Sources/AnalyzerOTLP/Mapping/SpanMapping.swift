import Foundation
import Logging
import OTLPModel
import ServiceLog
import SpanConventions
import W3CTraceContext

/// OTLP spans as canonical events, following OpenTelemetry's HTTP, RPC and database conventions:
///
/// - a SERVER (or CONSUMER) span is a handled request: `request_start` at its start, `request_end` at
///   its end, with `http.route` (else `url.path`) as the endpoint and `http.response.status_code`;
/// - a CLIENT (or PRODUCER) span is a call attempt: `service_call` towards `peer.service`, else the
///   service of the server span it caused (when that span is in the same request), else the host of
///   `server.address`;
/// - an `exception` span event is an `error` event; a failed span's status message, when it has no
///   exception, too;
/// - INTERNAL spans carry no request of their own: their children are re-parented onto the nearest
///   server or client span above them, so the call tree stays whole.
///
/// Without a correlation attribute, the trace ID is the correlation ID. Attributes the mapping does
/// not read are kept as free-form fields.
public enum SpanMapping {
    typealias Span = Opentelemetry_Proto_Trace_V1_Span

    /// Maps every span of `request`.
    /// - Parameters:
    ///   - limits: the size and range checks an NDJSON line gets; `nil` checks nothing.
    ///   - now: the receiver's clock (timestamps too far ahead are refused).
    public static func events(
        from request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest, limits: FieldLimits? = FieldLimits(),
        now: Timestamp = .now()
    ) -> OTLPMappedBatch {
        let index = SpanIndex(request)
        var batch = OTLPMappedBatch()
        for resourceSpans in request.resourceSpans {
            let identity = OTLPResourceIdentity(resourceSpans.resource)
            guard let service = identity.service else {
                batch.reject(resourceSpans.scopeSpans.reduce(0) { $0 + $1.spans.count }, OTLPResourceIdentity.missingServiceName)
                continue
            }
            for scopeSpans in resourceSpans.scopeSpans {
                let source = scopeSpans.scope.name.isEmpty ? nil : scopeSpans.scope.name
                for span in scopeSpans.spans {
                    do {
                        let events = try SpanEvents(span: span, service: service, identity: identity, source: source, index: index).events()
                        batch.accept(events, limits: limits, now: now)
                    } catch {
                        batch.reject(1, error.reason)
                    }
                }
            }
        }
        return batch
    }
}

/// The spans of one request by ID: what re-parenting and finding a callee's name need.
struct SpanIndex {
    struct Entry {
        var kind: Opentelemetry_Proto_Trace_V1_Span.SpanKind
        var parent: Data
        var service: String?
    }

    private(set) var entries: [Data: Entry] = [:]
    /// Server spans by the client span that caused them: the callee's own name for a call.
    private(set) var calleeByClientSpan: [Data: String] = [:]
    /// The exceptions each server or client span recorded itself (type and message): the same error
    /// recorded by an internal span below it, as it passed through (`withSpan` records every thrown
    /// error), is one error, not two.
    private(set) var exceptionsBySpan: [Data: Set<String>] = [:]

    init(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) {
        for resourceSpans in request.resourceSpans {
            let service = OTLPResourceIdentity(resourceSpans.resource).service
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans {
                    entries[span.spanID] = Entry(kind: span.kind, parent: span.parentSpanID, service: service)
                    if span.kind != .internal && span.kind != .unspecified {
                        for event in span.events where event.name == "exception" {
                            exceptionsBySpan[span.spanID, default: []].insert(Self.signature(of: event))
                        }
                    }
                    if span.kind == .server, !span.parentSpanID.isEmpty, let service { calleeByClientSpan[span.parentSpanID] = service }
                }
            }
        }
        // A server span's parent seen through internal spans is still the call that caused it.
        for (client, callee) in calleeByClientSpan {
            guard let entry = entries[client], entry.kind == .internal else { continue }
            let caller = nearestRequestSpan(above: client)
            if !caller.isEmpty, entries[caller]?.kind == .client { calleeByClientSpan[caller] = calleeByClientSpan[caller] ?? callee }
        }
    }

    /// What tells two recordings of one exception apart from two exceptions: type and message.
    static func signature(of event: Opentelemetry_Proto_Trace_V1_Span.Event) -> String {
        var details = OTLPAttributes(event.attributes)
        return (details.string("exception.type") ?? "") + "\u{0}" + (details.string("exception.message") ?? "")
    }

    /// `parent` itself when it is a server or client span (or not in the request), else the nearest
    /// such span above it.
    func nearestRequestSpan(above parent: Data) -> Data {
        var current = parent
        for _ in 0..<64 {
            guard let entry = entries[current], entry.kind == .internal || entry.kind == .unspecified else { return current }
            guard !entry.parent.isEmpty else { return current }
            current = entry.parent
        }
        return current
    }
}

/// A mapping failure of one item (a span, a log record, a data point).
struct OTLPItemError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The events of one span.
struct SpanEvents {
    let span: Opentelemetry_Proto_Trace_V1_Span
    let service: String
    let identity: OTLPResourceIdentity
    let source: String?
    let index: SpanIndex

    func events() throws(OTLPItemError) -> [Event] {
        guard let traceID = OTLPIDs.traceID(span.traceID), let spanID = OTLPIDs.spanID(span.spanID) else {
            throw OTLPItemError("a span with no valid trace_id (16 bytes) or span_id (8 bytes)")
        }
        guard let start = OTLPIDs.timestamp(nanos: span.startTimeUnixNano), let end = OTLPIDs.timestamp(nanos: span.endTimeUnixNano),
            span.endTimeUnixNano >= span.startTimeUnixNano
        else {
            throw OTLPItemError("span \(HexID.string(span.spanID)) has no start or end time, or ends before it starts")
        }
        var attributes = OTLPAttributes(span.attributes)
        let parent = span.parentSpanID.isEmpty ? nil : OTLPIDs.spanID(index.nearestRequestSpan(above: span.parentSpanID))
        let spanHex = HexID.string(span.spanID)
        let correlation = attributes.string("correlation_id", "correlation.id", "servicelog.correlation_id") ?? HexID.string(span.traceID)
        let durationMS = Double(span.endTimeUnixNano - span.startTimeUnixNano) / 1_000_000
        let failed = span.status.code == .error
        func event(_ time: Timestamp, _ level: Logger.Level, _ payload: EventPayload, id: String, message: String? = nil, span: SpanID = spanID, parent: SpanID? = parent) -> Event {
            Event(
                timestamp: time, level: level, service: service, payload: payload, message: message, eventID: "otlp:\(spanHex):\(id)",
                host: identity.host, instance: identity.instance, source: source, correlationID: correlation, traceID: traceID,
                spanID: span, parentSpanID: parent, traceFlags: self.span.flags == 0 ? nil : UInt8(truncatingIfNeeded: self.span.flags & 0xff))
        }

        var result: [Event] = []
        switch span.kind {
        case .server, .consumer:
            let method = SpanConventions.method(&attributes)
            let endpoint = SpanConventions.serverEndpoint(&attributes, spanName: span.name)
            let status = SpanConventions.statusCode(&attributes)
            let success = !failed && (status.map { $0 < 500 } ?? true)
            let code = status ?? (success ? 200 : 500)
            var startEvent = event(start, .info, .requestStart(RequestStart(method: method, endpoint: endpoint, userID: attributes.string("user.id", "enduser.id"))), id: "start")
            let level: Logger.Level = !success ? .error : code >= 400 ? .warning : .info
            var endEvent = event(end, level, .requestEnd(RequestEnd(method: method, endpoint: endpoint, statusCode: code, durationMS: durationMS, success: success)), id: "end")
            let rest = attributes.remaining()
            startEvent.attributes = rest
            endEvent.attributes = rest
            result = [startEvent, endEvent]
        case .client, .producer:
            let target = try Self.target(&attributes, span: span, index: index)
            let method = SpanConventions.method(&attributes)
            let endpoint = SpanConventions.clientEndpoint(&attributes, spanName: span.name)
            let status = SpanConventions.statusCode(&attributes)
            let success = status.map { $0 > 0 && $0 < 500 } ?? !failed
            let transport = success || status != nil ? nil : Self.transportError(&attributes, span: span)
            let attempt = SpanConventions.attempt(&attributes)
            var call = event(
                end, success ? .info : .warning,
                .serviceCall(ServiceCall(
                    targetService: target, method: method, endpoint: endpoint, durationMS: durationMS, statusCode: status ?? (success ? 200 : 0),
                    success: success, error: transport, attempt: attempt)),
                id: "call")
            call.attributes = attributes.remaining()
            result = [call]
        default:
            break
        }
        // Exceptions belong to the request span that was running: the span itself, or for an internal
        // span the request span above it.
        let owner = span.kind == .internal || span.kind == .unspecified ? (parent ?? spanID) : spanID
        var exceptions = 0
        let ownerRecorded = span.kind == .internal || span.kind == .unspecified
            ? index.exceptionsBySpan[index.nearestRequestSpan(above: span.parentSpanID)] ?? [] : []
        for (position, spanEvent) in span.events.enumerated() where spanEvent.name == "exception" {
            if ownerRecorded.contains(SpanIndex.signature(of: spanEvent)) { continue }
            var details = OTLPAttributes(spanEvent.attributes)
            let type = details.string("exception.type") ?? "exception"
            let message = details.string("exception.message") ?? type
            var error = event(
                OTLPIDs.timestamp(nanos: spanEvent.timeUnixNano) ?? end, .error,
                .error(ErrorDetails(errorType: type, stack: details.string("exception.stacktrace"))), id: "exception:\(position)",
                message: message, span: owner, parent: nil)
            error.attributes = details.remaining()
            result.append(error)
            exceptions += 1
        }
        if failed, exceptions == 0, !span.status.message.isEmpty, span.kind == .server || span.kind == .consumer {
            result.append(event(end, .error, .error(ErrorDetails(errorType: "span_status_error")), id: "status", message: span.status.message, parent: nil))
        }
        return result
    }

    /// The called service: `peer.service`, the callee's own name when its span is in the request,
    /// else the host the call went to (a Kubernetes service name without its cluster suffix).
    static func target(_ attributes: inout OTLPAttributes, span: Opentelemetry_Proto_Trace_V1_Span, index: SpanIndex) throws(OTLPItemError) -> String {
        if let peer = attributes.string("peer.service") { return peer }
        if let callee = index.calleeByClientSpan[span.spanID] { return callee }
        guard let host = SpanConventions.calleeHost(&attributes) else {
            throw OTLPItemError("client span \(HexID.string(span.spanID)) names no callee: set peer.service or server.address")
        }
        return host
    }

    /// Why a call got no response, from `error.type`, its exceptions and its status message, in the
    /// format's words (`timeout`, `connection_refused`, ...).
    static func transportError(_ attributes: inout OTLPAttributes, span: Opentelemetry_Proto_Trace_V1_Span) -> String {
        var texts = [attributes.string("error.type") ?? "", span.status.message]
        for spanEvent in span.events where spanEvent.name == "exception" {
            var details = OTLPAttributes(spanEvent.attributes)
            texts.append(details.string("exception.type") ?? "")
            texts.append(details.string("exception.message") ?? "")
        }
        return SpanConventions.transportError(describedBy: texts)
    }
}
