import Logging
import W3CTraceContext

/// The parts of a line every producer writes the same way. Both the log handler (straight from a log
/// call) and ``Event/jsonLine(limits:)`` (from a parsed event) go through these functions, so the
/// field names, order and number formats are defined once.
public enum EventEncoding {
    /// Writes `{"timestamp":"…","level":"…","service":"…","event_type":"…"` (the object is left open).
    @inline(__always)
    public static func writeHeader(
        timestamp: Timestamp, level: Logger.Level, service: String, eventType: EventType, into out: inout OutputBuffer
    ) {
        out.append(ascii: "{\"timestamp\":\"")
        out.appendUnsafe(count: Timestamp.encodedLength) { Timestamp.write(timestamp, to: $0) }
        out.append(ascii: "\",\"level\":\"")
        switch level {
        case .trace: out.append(ascii: "trace")
        case .debug: out.append(ascii: "debug")
        case .info: out.append(ascii: "info")
        case .notice: out.append(ascii: "notice")
        case .warning: out.append(ascii: "warning")
        case .error: out.append(ascii: "error")
        case .critical: out.append(ascii: "critical")
        }
        out.append(ascii: "\",\"service\":")
        JSONWriter.writeString(service, limit: 128, into: &out)
        out.append(ascii: ",\"event_type\":\"")
        switch eventType {
        case .requestStart: out.append(ascii: "request_start")
        case .requestEnd: out.append(ascii: "request_end")
        case .serviceCall: out.append(ascii: "service_call")
        case .error: out.append(ascii: "error")
        case .resource: out.append(ascii: "resource")
        case .log: out.append(ascii: "log")
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes `,"name":"value"` when `value` is present.
    @inline(__always)
    public static func writeOptional(_ name: StaticString, _ value: String?, limit: Int, into out: inout OutputBuffer) {
        guard let value else { return }
        out.append(ascii: name)
        JSONWriter.writeString(value, limit: limit, into: &out)
    }

    /// Writes the trace fields that are present.
    @inline(__always)
    public static func writeTrace(
        correlationID: String?, traceID: TraceID?, spanID: SpanID?, parentSpanID: SpanID?, traceFlags: UInt8?,
        into out: inout OutputBuffer
    ) {
        writeOptional(",\"correlation_id\":", correlationID, limit: 128, into: &out)
        if let traceID {
            out.append(ascii: ",\"trace_id\":")
            withUnsafeBytes(of: traceID.bytes) { JSONWriter.writeHex($0, into: &out) }
        }
        if let spanID {
            out.append(ascii: ",\"span_id\":")
            withUnsafeBytes(of: spanID.bytes) { JSONWriter.writeHex($0, into: &out) }
        }
        if let parentSpanID {
            out.append(ascii: ",\"parent_span_id\":")
            withUnsafeBytes(of: parentSpanID.bytes) { JSONWriter.writeHex($0, into: &out) }
        }
        if let traceFlags {
            out.append(ascii: ",\"trace_flags\":")
            withUnsafeBytes(of: traceFlags) { JSONWriter.writeHex($0, into: &out) }
        }
    }

    /// Writes the payload's type-specific fields.
    @inline(__always)
    public static func writePayload(_ payload: EventPayload, stringLimit: Int, into out: inout OutputBuffer) {
        switch payload {
        case .requestStart(let start):
            out.append(ascii: ",\"method\":")
            JSONWriter.writeString(start.method, limit: 32, into: &out)
            out.append(ascii: ",\"endpoint\":")
            JSONWriter.writeString(start.endpoint, limit: stringLimit, into: &out)
            writeOptional(",\"user_id\":", start.userID, limit: 256, into: &out)
        case .requestEnd(let end):
            out.append(ascii: ",\"method\":")
            JSONWriter.writeString(end.method, limit: 32, into: &out)
            out.append(ascii: ",\"endpoint\":")
            JSONWriter.writeString(end.endpoint, limit: stringLimit, into: &out)
            out.append(ascii: ",\"status_code\":")
            JSONWriter.writeInt(end.statusCode, into: &out)
            out.append(ascii: ",\"duration_ms\":")
            JSONWriter.writeMilliseconds(end.durationMS, into: &out)
            out.append(ascii: end.success ? ",\"success\":true" : ",\"success\":false")
        case .serviceCall(let call):
            out.append(ascii: ",\"target_service\":")
            JSONWriter.writeString(call.targetService, limit: 128, into: &out)
            out.append(ascii: ",\"method\":")
            JSONWriter.writeString(call.method, limit: 32, into: &out)
            out.append(ascii: ",\"endpoint\":")
            JSONWriter.writeString(call.endpoint, limit: stringLimit, into: &out)
            out.append(ascii: ",\"duration_ms\":")
            JSONWriter.writeMilliseconds(call.durationMS, into: &out)
            out.append(ascii: ",\"status_code\":")
            JSONWriter.writeInt(call.statusCode, into: &out)
            out.append(ascii: call.success ? ",\"success\":true" : ",\"success\":false")
            writeOptional(",\"error\":", call.error, limit: 128, into: &out)
            if let attempt = call.attempt {
                out.append(ascii: ",\"attempt\":")
                JSONWriter.writeInt(attempt, into: &out)
            }
        case .error(let details):
            out.append(ascii: ",\"error_type\":")
            JSONWriter.writeString(details.errorType, limit: 256, into: &out)
            writeOptional(",\"stack\":", details.stack, limit: stringLimit, into: &out)
        case .resource(let sample):
            out.append(ascii: ",\"memory_mb\":")
            JSONWriter.writeDouble(sample.memoryMB, into: &out)
            out.append(ascii: ",\"cpu_percent\":")
            JSONWriter.writeDouble(sample.cpuPercent, into: &out)
            if let threads = sample.threads {
                out.append(ascii: ",\"threads\":")
                JSONWriter.writeInt(threads, into: &out)
            }
            if let openFDs = sample.openFDs {
                out.append(ascii: ",\"open_fds\":")
                JSONWriter.writeInt(openFDs, into: &out)
            }
            for name in sample.gauges.keys.sorted() {
                JSONWriter.writeKey(attributeKey(name), into: &out)
                JSONWriter.writeDouble(sample.gauges[name]!, into: &out)
            }
        case .log:
            break
        }
    }

    /// The key a free-form field is written under: reserved names get the `metadata.` prefix.
    @inline(__always)
    public static func attributeKey(_ key: String) -> String {
        FieldName.isReserved(key) ? FieldName.collisionPrefix + key : key
    }
}

extension Event {
    /// Encodes the event as one canonical line (without the trailing newline) into `out`.
    /// Attributes are written in sorted key order, so the same event always gives the same bytes.
    public func encode(into out: inout OutputBuffer, limits: EncodingLimits = EncodingLimits()) {
        let start = out.byteCount
        encode(into: &out, stringLimit: limits.maxStringBytes, attributes: true, maxNesting: limits.maxNesting)
        if out.byteCount - start > limits.maxLineBytes {
            out.truncate(to: start)
            encode(into: &out, stringLimit: limits.fallbackStringBytes, attributes: false, maxNesting: 2)
            out.append(ascii: ",\"line_truncated\":true}")
        } else {
            out.append(UInt8(ascii: "}"))
        }
    }

    private func encode(into out: inout OutputBuffer, stringLimit: Int, attributes writeAttributes: Bool, maxNesting: Int) {
        EventEncoding.writeHeader(timestamp: timestamp, level: level, service: service, eventType: eventType, into: &out)
        EventEncoding.writeOptional(",\"event_id\":", eventID, limit: 128, into: &out)
        EventEncoding.writeOptional(",\"host\":", host, limit: 256, into: &out)
        EventEncoding.writeOptional(",\"instance\":", instance, limit: 256, into: &out)
        EventEncoding.writeOptional(",\"source\":", source, limit: 256, into: &out)
        EventEncoding.writeOptional(",\"message\":", message, limit: stringLimit, into: &out)
        EventEncoding.writeTrace(
            correlationID: correlationID, traceID: traceID, spanID: spanID, parentSpanID: parentSpanID,
            traceFlags: traceFlags, into: &out)
        EventEncoding.writePayload(payload, stringLimit: stringLimit, into: &out)
        guard writeAttributes else { return }
        for key in attributes.keys.sorted() {
            JSONWriter.writeKey(EventEncoding.attributeKey(key), into: &out)
            JSONWriter.writeValue(attributes[key]!, stringLimit: stringLimit, depth: maxNesting, into: &out)
        }
    }

    /// The event as one canonical JSON line, without the trailing newline.
    public func jsonLine(limits: EncodingLimits = EncodingLimits()) -> String {
        var out = OutputBuffer(capacity: 512)
        encode(into: &out, limits: limits)
        return out.string
    }
}
