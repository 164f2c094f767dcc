import Logging
import ServiceLog
import SpanConventions
import Tracing

/// Turns an ended span into the canonical events it stands for, and writes them.
struct SpanEventWriter: Sendable {
    let handler: ServiceLogHandler
    let peerServices: [String: String]

    func write(_ span: EndedSpan) {
        var attributes = TracingAttributes(span.attributes)
        switch span.kind {
        case .server, .consumer:
            writeRequest(span, &attributes)
        case .client, .producer:
            writeCall(span, &attributes)
        default:
            // An internal span is part of the request around it: an error it threw is that request's
            // to record (once) if the request fails, or was handled. Only one that runs on its own
            // (a background job) writes its failure.
            if span.isRoot, span.statusIsError, let error = span.errors.last { writeError(error, in: span) }
        }
        for event in span.events {
            let fields = TracingAttributes(event.attributes).remaining()
            emit(.info, .log, message: event.name, fields: fields, at: Timestamp(nanosecondsSinceEpoch: event.nanosecondsSinceEpoch), span)
        }
    }

    private func writeRequest(_ span: EndedSpan, _ attributes: inout TracingAttributes) {
        let method = SpanConventions.method(&attributes)
        let endpoint = SpanConventions.serverEndpoint(&attributes, spanName: span.operationName)
        let status = SpanConventions.statusCode(&attributes)
        let success = !span.statusIsError && (status.map { $0 < 500 } ?? true)
        let userID = attributes.string("user.id", "enduser.id")
        let fields = attributes.remaining()
        emit(.info, .requestStart(RequestStart(method: method, endpoint: endpoint, userID: userID)), fields: fields, at: span.start, span)
        // A 4xx is the service refusing a request, not failing: its error (a 404 thrown as one) is noise.
        if !success, let error = span.errors.last { writeError(error, in: span) }
        let end = RequestEnd(
            method: method, endpoint: endpoint, statusCode: status ?? (success ? 200 : 500), durationMS: span.durationMS, success: success)
        emit(success ? .info : .error, .requestEnd(end), fields: fields, at: span.end, span)
    }

    private func writeCall(_ span: EndedSpan, _ attributes: inout TracingAttributes) {
        let target = callee(&attributes)
        let method = SpanConventions.method(&attributes)
        let endpoint = SpanConventions.clientEndpoint(&attributes, spanName: span.operationName)
        let status = SpanConventions.statusCode(&attributes)
        let success = status.map { $0 > 0 && $0 < 500 } ?? !(span.statusIsError || !span.errors.isEmpty)
        let reason: String? =
            success || status != nil ? nil
            : span.errors.last.map { $0.callError.rawValue }
                ?? SpanConventions.transportError(describedBy: [attributes.string("error.type") ?? "", span.status?.message ?? ""])
        // A span is our own process's: a negative count is a bug there, written as the first attempt.
        let attempt = SpanConventions.attempt(&attributes).map { max(1, $0) }
        let call = ServiceCall(
            targetService: target, method: method, endpoint: endpoint, durationMS: span.durationMS,
            statusCode: status ?? (success ? 200 : 0), success: success, error: reason, attempt: attempt)
        emit(success ? .info : .warning, .serviceCall(call), fields: attributes.remaining(), at: span.end, span)
    }

    /// `peer.service`, else the configured name of `host:port` or `host`, else the host itself.
    private func callee(_ attributes: inout TracingAttributes) -> String {
        if let peer = attributes.string("peer.service") { return peer }
        var probe = attributes
        if let host = probe.string("server.address") {
            let port = probe.int("server.port").map { ":\($0)" } ?? ""
            if let name = peerServices[host + port] ?? peerServices[host] {
                attributes = probe
                return name
            }
        }
        return SpanConventions.calleeHost(&attributes) ?? "unknown"
    }

    private func writeError(_ error: RecordedError, in span: EndedSpan) {
        emit(.error, .error(ErrorDetails(errorType: error.type)), message: error.message, fields: [:], at: error.time, span)
    }

    private func emit(
        _ level: Logger.Level, _ payload: EventPayload, message: String? = nil, fields: Logger.Metadata, at time: Timestamp, _ span: EndedSpan
    ) {
        guard handler.logLevel <= level else { return }
        handler.emit(level: level, payload: payload, message: message, metadata: fields, timestamp: time, context: span.correlation)
    }
}
