import Logging
import W3CTraceContext

/// Builds an ``Event`` from the fast decoder's scanned reserved values: ``FieldReader``'s type rules and
/// reasons, applied in the order of ``Event/init(fields:)`` so the first failure reported is the same.
///
/// Each read *takes* the field, as ``FieldReader`` removes it from the dictionary: whatever reserved field
/// is left at the end did not belong to the event type and is kept in ``Event/attributes``.
struct ReservedFieldReader {
    /// The line the scanned string ranges point into.
    let line: UnsafeRawBufferPointer
    var values: ReservedValues

    /// A string field's content: bytes of the line, or a decoded string.
    enum Text {
        case plain(Range<Int>)
        case decoded(String)
    }

    // MARK: Typed reads (same rules and reasons as FieldReader)

    /// The field's value; `nil` if absent or `null` (which still consumes it).
    @inline(__always)
    mutating func take(_ field: ReservedField, required: Bool) throws(EventDecodingError) -> ScannedValue? {
        guard let value = values.take(field) else {
            if required { throw EventDecodingError("missing required field '\(field.name)'") }
            return nil
        }
        if case .null = value {
            if required { throw EventDecodingError("missing required field '\(field.name)'") }
            return nil
        }
        return value
    }

    mutating func text(_ field: ReservedField, required: Bool = false) throws(EventDecodingError) -> Text? {
        switch try take(field, required: required) {
        case nil: return nil
        case .plainString(let range): return .plain(range)
        case .string(let text): return .decoded(text)
        default: throw EventDecodingError("field '\(field.name)' must be a string")
        }
    }

    mutating func string(_ field: ReservedField, required: Bool = false) throws(EventDecodingError) -> String? {
        guard let text = try text(field, required: required) else { return nil }
        return string(text)
    }

    mutating func int(_ field: ReservedField, required: Bool = false) throws(EventDecodingError) -> Int? {
        let number: Int?
        switch try take(field, required: required) {
        case nil: return nil
        case .int(let value): number = Int(exactly: value)
        case .double(let value): number = Int(exactly: value)
        default: number = nil
        }
        guard let number else { throw EventDecodingError("field '\(field.name)' must be an integer") }
        return number
    }

    mutating func double(_ field: ReservedField, required: Bool = false) throws(EventDecodingError) -> Double? {
        switch try take(field, required: required) {
        case nil: return nil
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: throw EventDecodingError("field '\(field.name)' must be a number")
        }
    }

    mutating func bool(_ field: ReservedField, required: Bool = false) throws(EventDecodingError) -> Bool? {
        switch try take(field, required: required) {
        case nil: return nil
        case .bool(let value): return value
        default: throw EventDecodingError("field '\(field.name)' must be true or false")
        }
    }

    /// `field_truncated`: an array of field names, as ``FieldReader/fieldNames(_:)``.
    mutating func fieldNames(_ field: ReservedField) throws(EventDecodingError) -> [String] {
        switch try take(field, required: false) {
        case nil: return []
        case .composite(let value) where value.fieldNames != nil: return value.fieldNames!
        default: throw EventDecodingError(FieldReader.fieldNamesReason(field.name))
        }
    }

    mutating func traceID() throws(EventDecodingError) -> TraceID? {
        guard let text = try text(.traceID) else { return nil }
        guard let id = withBytes(text, { HexID.traceID(utf8: $0) }) else {
            throw EventDecodingError("field 'trace_id' must be 32 lowercase hex digits, not all zero")
        }
        return id
    }

    mutating func spanID(_ field: ReservedField) throws(EventDecodingError) -> SpanID? {
        guard let text = try text(field) else { return nil }
        guard let id = withBytes(text, { HexID.spanID(utf8: $0) }) else {
            throw EventDecodingError("field '\(field.name)' must be 16 lowercase hex digits, not all zero")
        }
        return id
    }

    mutating func traceFlags() throws(EventDecodingError) -> UInt8? {
        guard let text = try text(.traceFlags) else { return nil }
        guard let flags = withBytes(text, { HexID.traceFlags(utf8: $0) }) else {
            throw EventDecodingError("field 'trace_flags' must be 2 hex digits")
        }
        return flags
    }

    func string(_ text: Text) -> String {
        switch text {
        case .plain(let range): String(decoding: UnsafeRawBufferPointer(rebasing: line[range]), as: UTF8.self)
        case .decoded(let string): string
        }
    }

    func withBytes<R>(_ text: Text, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch text {
        case .plain(let range): return body(UnsafeRawBufferPointer(rebasing: line[range]))
        case .decoded(var string): return string.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
    }

    // MARK: The event (mirrors Event.init(fields:) step by step)

    /// The event, with `unknown` (the line's non-reserved fields) as the starting attributes.
    mutating func event(attributes unknown: [String: JSONValue]) throws(EventDecodingError) -> Event {
        let timestampText = try text(.timestamp, required: true)!
        guard let timestamp = withBytes(timestampText, { Timestamp.parse($0) }) else {
            throw EventDecodingError("field 'timestamp': '\(string(timestampText).prefix(40))' is not an RFC 3339 time")
        }
        let levelText = try string(.level, required: true)!
        guard let level = Logger.Level(rawValue: levelText) else {
            throw EventDecodingError(
                "field 'level': '\(levelText.prefix(20))' is not one of trace, debug, info, notice, warning, error, critical")
        }
        let service = try string(.service, required: true)!
        guard !service.isEmpty else { throw EventDecodingError("field 'service' is empty") }
        let typeText = try string(.eventType, required: true)!
        guard let eventType = EventType(rawValue: typeText) else {
            throw EventDecodingError(
                "field 'event_type': '\(typeText.prefix(40))' is not one of "
                    + EventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let message = try string(.message)
        var attributes = unknown
        let payload: EventPayload
        switch eventType {
        case .requestStart:
            payload = .requestStart(
                RequestStart(
                    method: try string(.method, required: true)!,
                    endpoint: try string(.endpoint, required: true)!,
                    userID: try string(.userID)))
        case .requestEnd:
            payload = .requestEnd(
                RequestEnd(
                    method: try string(.method, required: true)!,
                    endpoint: try string(.endpoint, required: true)!,
                    statusCode: try int(.statusCode, required: true)!,
                    durationMS: try double(.durationMS, required: true)!,
                    success: try bool(.success, required: true)!))
        case .serviceCall:
            payload = .serviceCall(
                ServiceCall(
                    targetService: try string(.targetService, required: true)!,
                    method: try string(.method, required: true)!,
                    endpoint: try string(.endpoint, required: true)!,
                    durationMS: try double(.durationMS, required: true)!,
                    statusCode: try int(.statusCode, required: true)!,
                    success: try bool(.success, required: true)!,
                    error: try string(.error),
                    attempt: try int(.attempt)))
        case .error:
            guard message != nil else { throw EventDecodingError("field 'message' is required for error events") }
            payload = .error(
                ErrorDetails(
                    errorType: try string(.errorType, required: true)!,
                    stack: try string(.stack)))
        case .resource:
            payload = .resource(
                ResourceSample(
                    memoryMB: try double(.memoryMB, required: true)!,
                    cpuPercent: try double(.cpuPercent, required: true)!,
                    threads: try int(.threads),
                    openFDs: try int(.openFDs),
                    gauges: Self.takeNumericExtras(from: &attributes)))
        case .log:
            guard message != nil else { throw EventDecodingError("field 'message' is required for log events") }
            payload = .log
        }
        var event = Event(
            timestamp: timestamp, level: level, service: service, payload: payload, message: message,
            eventID: try string(.eventID), host: try string(.host), instance: try string(.instance),
            source: try string(.source), correlationID: try string(.correlationID),
            traceID: try traceID(), spanID: try spanID(.spanID), parentSpanID: try spanID(.parentSpanID),
            traceFlags: try traceFlags(), attributes: [:], droppedEvents: try int(.droppedEvents),
            lineTruncated: try bool(.lineTruncated) ?? false, truncatedFields: try fieldNames(.fieldTruncated))
        // Reserved fields this event type did not consume are kept, as by Event(fields:).
        if values.present != 0 {
            for field in ReservedField.allCases where values.contains(field) {
                if let value = values.take(field), attributes[field.name] == nil {
                    attributes[field.name] = value.jsonValue(in: line)
                }
            }
        }
        event.attributes = attributes
        return event
    }

    /// For `resource` events: every non-reserved numeric field is a gauge (as ``FieldReader/takeNumericExtras()``;
    /// `fields` holds only non-reserved keys here).
    static func takeNumericExtras(from fields: inout [String: JSONValue]) -> [String: Double] {
        var gauges: [String: Double] = [:]
        for (key, value) in fields {
            if let number = value.doubleValue, value.boolValue == nil {
                gauges[key] = number
            }
        }
        for key in gauges.keys { fields[key] = nil }
        return gauges
    }
}
