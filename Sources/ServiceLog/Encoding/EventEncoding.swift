import Logging
import W3CTraceContext

/// The parts of a line every producer writes the same way. Both the log handler (straight from a log
/// call) and ``Event/jsonLine(limits:)`` (from a parsed event) go through these functions, so the
/// field names, order and number formats are defined once.
public enum EventEncoding {
    /// Writes `{"timestamp":"…","level":"…","service":"…","event_type":"…"` (the object is left open).
    /// Returns whether `service` was cut (at ``FieldSize/service`` bytes).
    @inline(__always) @discardableResult
    public static func writeHeader(
        timestamp: Timestamp, level: Logger.Level, service: String, eventType: EventType, nameLimit: Int? = nil,
        into out: inout OutputBuffer
    ) -> Bool {
        out.append(ascii: "{\"timestamp\":\"")
        out.appendUnsafe(count: Timestamp.encodedLength) { Timestamp.write(timestamp, to: $0) }
        writeLevel(level, into: &out)
        out.append(ascii: ",\"service\":")
        let cut = JSONWriter.writeString(service, limit: nameLimit ?? FieldSize.service, into: &out)
        writeEventType(eventType, into: &out)
        return cut
    }

    /// ``writeHeader(timestamp:level:service:eventType:nameLimit:into:)`` for the log handler: the service
    /// comes encoded (quoted, escaped, cut) once per handler, the date and time once per second (`cache`).
    @inline(__always)
    static func writeHeader(
        timestamp: Timestamp, level: Logger.Level, encodedService: UnsafeRawBufferPointer, eventType: EventType,
        cache: inout EncodingCache, into out: inout OutputBuffer
    ) {
        out.append(ascii: "{\"timestamp\":\"")
        out.appendUnsafe(count: Timestamp.encodedLength) { cache.writeTimestamp(timestamp, to: $0) }
        writeLevel(level, into: &out)
        out.append(ascii: ",\"service\":")
        out.append(encodedService)
        writeEventType(eventType, into: &out)
    }

    /// Writes `","level":"<level>"` (closing the timestamp's string).
    @inline(__always)
    static func writeLevel(_ level: Logger.Level, into out: inout OutputBuffer) {
        switch level {
        case .trace: out.append(ascii: "\",\"level\":\"trace\"")
        case .debug: out.append(ascii: "\",\"level\":\"debug\"")
        case .info: out.append(ascii: "\",\"level\":\"info\"")
        case .notice: out.append(ascii: "\",\"level\":\"notice\"")
        case .warning: out.append(ascii: "\",\"level\":\"warning\"")
        case .error: out.append(ascii: "\",\"level\":\"error\"")
        case .critical: out.append(ascii: "\",\"level\":\"critical\"")
        }
    }

    /// Writes `,"event_type":"<type>"`.
    @inline(__always)
    static func writeEventType(_ eventType: EventType, into out: inout OutputBuffer) {
        switch eventType {
        case .requestStart: out.append(ascii: ",\"event_type\":\"request_start\"")
        case .requestEnd: out.append(ascii: ",\"event_type\":\"request_end\"")
        case .serviceCall: out.append(ascii: ",\"event_type\":\"service_call\"")
        case .error: out.append(ascii: ",\"event_type\":\"error\"")
        case .resource: out.append(ascii: ",\"event_type\":\"resource\"")
        case .log: out.append(ascii: ",\"event_type\":\"log\"")
        }
    }

    /// Writes `,"name":"value"` when `value` is present. Returns whether it was cut.
    @inline(__always) @discardableResult
    public static func writeOptional(_ name: StaticString, _ value: String?, limit: Int, into out: inout OutputBuffer) -> Bool {
        guard let value else { return false }
        out.append(ascii: name)
        return JSONWriter.writeString(value, limit: limit, into: &out)
    }

    /// Writes the trace fields that are present. Returns whether `correlation_id` was cut.
    @inline(__always) @discardableResult
    public static func writeTrace(
        correlationID: String?, traceID: TraceID?, spanID: SpanID?, parentSpanID: SpanID?, traceFlags: UInt8?,
        nameLimit: Int? = nil, into out: inout OutputBuffer
    ) -> Bool {
        let cut = writeOptional(",\"correlation_id\":", correlationID, limit: nameLimit ?? FieldSize.correlationID, into: &out)
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
        return cut
    }

    /// Writes the payload's type-specific fields. Returns the names of those it cut (usually none; an
    /// empty array allocates nothing).
    @inline(__always) @discardableResult
    public static func writePayload(
        _ payload: EventPayload, stringLimit: Int, nameLimit: Int? = nil, into out: inout OutputBuffer
    ) -> [String] {
        var cut: [String] = []
        switch payload {
        case .requestStart(let start):
            out.append(ascii: ",\"method\":")
            if JSONWriter.writeString(start.method, limit: nameLimit ?? FieldSize.method, into: &out) { cut.append(FieldName.method) }
            out.append(ascii: ",\"endpoint\":")
            if JSONWriter.writeString(start.endpoint, limit: stringLimit, into: &out) { cut.append(FieldName.endpoint) }
            if writeOptional(",\"user_id\":", start.userID, limit: nameLimit ?? FieldSize.label, into: &out) { cut.append(FieldName.userID) }
        case .requestEnd(let end):
            out.append(ascii: ",\"method\":")
            if JSONWriter.writeString(end.method, limit: nameLimit ?? FieldSize.method, into: &out) { cut.append(FieldName.method) }
            out.append(ascii: ",\"endpoint\":")
            if JSONWriter.writeString(end.endpoint, limit: stringLimit, into: &out) { cut.append(FieldName.endpoint) }
            out.append(ascii: ",\"status_code\":")
            JSONWriter.writeInt(end.statusCode, into: &out)
            out.append(ascii: ",\"duration_ms\":")
            JSONWriter.writeMilliseconds(end.durationMS, into: &out)
            out.append(ascii: end.success ? ",\"success\":true" : ",\"success\":false")
        case .serviceCall(let call):
            out.append(ascii: ",\"target_service\":")
            if JSONWriter.writeString(call.targetService, limit: nameLimit ?? FieldSize.service, into: &out) { cut.append(FieldName.targetService) }
            out.append(ascii: ",\"method\":")
            if JSONWriter.writeString(call.method, limit: nameLimit ?? FieldSize.method, into: &out) { cut.append(FieldName.method) }
            out.append(ascii: ",\"endpoint\":")
            if JSONWriter.writeString(call.endpoint, limit: stringLimit, into: &out) { cut.append(FieldName.endpoint) }
            out.append(ascii: ",\"duration_ms\":")
            JSONWriter.writeMilliseconds(call.durationMS, into: &out)
            out.append(ascii: ",\"status_code\":")
            JSONWriter.writeInt(call.statusCode, into: &out)
            out.append(ascii: call.success ? ",\"success\":true" : ",\"success\":false")
            if writeOptional(",\"error\":", call.error, limit: nameLimit ?? FieldSize.callError, into: &out) { cut.append(FieldName.error) }
            if let attempt = call.attempt {
                out.append(ascii: ",\"attempt\":")
                JSONWriter.writeInt(attempt, into: &out)
            }
        case .error(let details):
            out.append(ascii: ",\"error_type\":")
            if JSONWriter.writeString(details.errorType, limit: nameLimit ?? FieldSize.label, into: &out) { cut.append(FieldName.errorType) }
            if writeOptional(",\"stack\":", details.stack, limit: stringLimit, into: &out) { cut.append(FieldName.stack) }
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
                if JSONWriter.writeKey(attributeKey(name), limit: nameLimit ?? FieldSize.attributeKey, into: &out) { cut.append(name) }
                JSONWriter.writeDouble(sample.gauges[name]!, into: &out)
            }
        case .log:
            break
        }
        return cut
    }

    /// Writes `,"field_truncated":["a","b"]` when `names` is not empty.
    @inline(__always)
    public static func writeTruncatedFields(_ names: [String], into out: inout OutputBuffer) {
        guard !names.isEmpty else { return }
        out.append(ascii: ",\"field_truncated\":[")
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(name, limit: FieldSize.attributeKey, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The key a free-form field is written under: reserved names get the `metadata.` prefix.
    @inline(__always)
    public static func attributeKey(_ key: String) -> String {
        FieldName.isReserved(key) ? FieldName.collisionPrefix + key : key
    }
}

extension Event {
    /// Encodes the event as one canonical line (without the trailing newline) into `out`.
    /// Attributes are written in sorted key order, so the same event always gives the same bytes. Every
    /// value cut to a limit is named in `field_truncated`; a line over the limit is re-written shortened
    /// with `"line_truncated":true`.
    public func encode(into out: inout OutputBuffer, limits: EncodingLimits = EncodingLimits()) {
        let start = out.byteCount
        encode(
            into: &out, stringLimit: limits.maxStringBytes, nameLimit: limits.maxNameBytes, attributes: true,
            maxNesting: limits.maxNesting, shortened: false)
        if out.byteCount - start > limits.maxLineBytes {
            out.truncate(to: start)
            encode(into: &out, stringLimit: limits.fallbackStringBytes, nameLimit: nil, attributes: false, maxNesting: 2, shortened: true)
        }
    }

    private func encode(
        into out: inout OutputBuffer, stringLimit: Int, nameLimit: Int?, attributes writeAttributes: Bool, maxNesting: Int,
        shortened: Bool
    ) {
        var cut = truncatedFields
        func note(_ name: String, _ wasCut: Bool) {
            if wasCut, !cut.contains(name) { cut.append(name) }
        }
        note(FieldName.service, EventEncoding.writeHeader(
            timestamp: timestamp, level: level, service: service, eventType: eventType, nameLimit: nameLimit, into: &out))
        note(FieldName.eventID, EventEncoding.writeOptional(",\"event_id\":", eventID, limit: nameLimit ?? FieldSize.eventID, into: &out))
        note(FieldName.host, EventEncoding.writeOptional(",\"host\":", host, limit: nameLimit ?? FieldSize.label, into: &out))
        note(FieldName.instance, EventEncoding.writeOptional(",\"instance\":", instance, limit: nameLimit ?? FieldSize.label, into: &out))
        note(FieldName.source, EventEncoding.writeOptional(",\"source\":", source, limit: nameLimit ?? FieldSize.label, into: &out))
        note(FieldName.message, EventEncoding.writeOptional(",\"message\":", message, limit: stringLimit, into: &out))
        note(FieldName.correlationID, EventEncoding.writeTrace(
            correlationID: correlationID, traceID: traceID, spanID: spanID, parentSpanID: parentSpanID,
            traceFlags: traceFlags, nameLimit: nameLimit, into: &out))
        for name in EventEncoding.writePayload(payload, stringLimit: stringLimit, nameLimit: nameLimit, into: &out) { note(name, true) }
        if let droppedEvents {
            out.append(ascii: ",\"dropped_events\":")
            JSONWriter.writeInt(droppedEvents, into: &out)
        }
        if writeAttributes {
            for key in attributes.keys.sorted() {
                let name = EventEncoding.attributeKey(key)
                let keyLimit = nameLimit ?? FieldSize.attributeKey
                let keyCut = JSONWriter.writeKey(name, limit: keyLimit, into: &out)
                let valueCut = JSONWriter.writeValue(
                    attributes[key]!, stringLimit: stringLimit, depth: maxNesting, keyLimit: keyLimit, into: &out)
                note(name, keyCut || valueCut)
            }
        }
        if lineTruncated || shortened { out.append(ascii: ",\"line_truncated\":true") }
        EventEncoding.writeTruncatedFields(cut, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The event as one canonical JSON line, without the trailing newline.
    public func jsonLine(limits: EncodingLimits = EncodingLimits()) -> String {
        var out = OutputBuffer(capacity: 512)
        encode(into: &out, limits: limits)
        return out.string
    }
}
