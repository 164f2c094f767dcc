import Logging
import W3CTraceContext

/// Why a line is not a canonical event. The message names the field and says what was expected, so
/// that an ingest response or a shipper log can be acted on without reading the spec.
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Limits applied when reading a line from outside.
public struct DecodingLimits: Sendable, Hashable {
    /// Longer lines are rejected before parsing.
    public var maxLineBytes: Int
    /// Maximum nesting of arrays/objects.
    public var maxDepth: Int
    /// Sizes and value ranges checked after the types; `nil` checks types only (see ``stored``).
    public var fields: FieldLimits?

    /// Creates limits; by default 1 MiB lines, 32 levels of nesting and ``FieldLimits``' defaults.
    public init(maxLineBytes: Int = 1 << 20, maxDepth: Int = 32, fields: FieldLimits? = FieldLimits()) {
        self.maxLineBytes = maxLineBytes
        self.maxDepth = maxDepth
        self.fields = fields
    }

    /// For lines this toolkit wrote itself and reads back (the analyzer's store, a producer exporting its
    /// own lines): any length, nesting up to ``EncodingLimits/lossless``' bound, no range checks. They
    /// were checked when they entered, or were written by an older version that did not check; either
    /// way refusing them now would make them unreadable.
    public static let stored = DecodingLimits(maxLineBytes: .max, maxDepth: EncodingLimits.lossless.maxNesting + 1, fields: nil)
}

extension Event {
    /// Parses and validates one canonical line (the trailing newline, if any, is ignored).
    ///
    /// Unknown fields are kept in ``attributes``; a missing required field, a wrongly typed reserved field or
    /// malformed JSON throws ``EventDecodingError`` with a reason that names the field.
    ///
    /// This is the hot path of the shipper and of ingest: a single pass over the line that never builds the
    /// top-level dictionary (see `CanonicalEventDecoder`). It accepts and rejects exactly what
    /// ``init(referenceJSONLine:limits:)`` does, with the same reasons.
    public init(jsonLine bytes: UnsafeRawBufferPointer, limits: DecodingLimits = DecodingLimits()) throws(EventDecodingError) {
        let line = try Event.trimmedLine(bytes, limits: limits)
        self = try CanonicalEventDecoder.decode(line, maxDepth: limits.maxDepth)
        if let fields = limits.fields { try validate(fields, now: .now()) }
    }

    /// The original dictionary-based decoder: parses the whole line into a ``JSONValue`` tree, then reads the
    /// reserved fields with ``init(fields:)``.
    ///
    /// Kept for the differential tests and the `decode-throughput` benchmark, which hold the fast
    /// ``init(jsonLine:limits:)`` to the same results; not meant for production use (it is several times slower).
    public init(referenceJSONLine bytes: UnsafeRawBufferPointer, limits: DecodingLimits = DecodingLimits()) throws(EventDecodingError) {
        let bytes = try Event.trimmedLine(bytes, limits: limits)
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: limits.maxDepth).parse(bytes)
        } catch {
            throw EventDecodingError("not valid JSON: \(error)")
        }
        guard case .object(let fields) = value else { throw EventDecodingError("line is not a JSON object") }
        try self.init(fields: fields)
        if let fields = limits.fields { try validate(fields, now: .now()) }
    }

    /// The string form of ``init(referenceJSONLine:limits:)``.
    public init(referenceJSONLine text: String, limits: DecodingLimits = DecodingLimits()) throws(EventDecodingError) {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(EventDecodingError) -> Event in
                try Event(referenceJSONLine: UnsafeRawBufferPointer(utf8), limits: limits)
            }
        }
        self = try result.get()
    }

    /// `bytes` without its trailing newline(s); throws if it is empty or over the size limit.
    static func trimmedLine(_ bytes: UnsafeRawBufferPointer, limits: DecodingLimits) throws(EventDecodingError) -> UnsafeRawBufferPointer {
        var bytes = bytes
        while let last = bytes.last, last == 0x0A || last == 0x0D {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 1)])
        }
        guard bytes.count <= limits.maxLineBytes else {
            throw EventDecodingError("line is \(bytes.count) bytes, over the \(limits.maxLineBytes)-byte limit")
        }
        guard !bytes.isEmpty else { throw EventDecodingError("empty line") }
        return bytes
    }

    /// Parses and validates one canonical line given as a string.
    public init(jsonLine text: String, limits: DecodingLimits = DecodingLimits()) throws(EventDecodingError) {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(EventDecodingError) -> Event in try Event(jsonLine: UnsafeRawBufferPointer(utf8), limits: limits) }
        }
        self = try result.get()
    }

    /// Builds an event from the fields of a parsed JSON object, validating the type of every reserved
    /// field (not sizes and ranges: ``init(jsonLine:limits:)`` checks those).
    public init(fields: [String: JSONValue]) throws(EventDecodingError) {
        var reader = FieldReader(fields: fields)
        guard let timestampText = try reader.string(FieldName.timestamp, required: true) else { fatalError() }
        guard let timestamp = Timestamp(rfc3339: timestampText) else {
            throw EventDecodingError("field 'timestamp': '\(timestampText.prefix(40))' is not an RFC 3339 time")
        }
        let levelText = try reader.string(FieldName.level, required: true)!
        guard let level = Logger.Level(rawValue: levelText) else {
            throw EventDecodingError(
                "field 'level': '\(levelText.prefix(20))' is not one of trace, debug, info, notice, warning, error, critical")
        }
        let service = try reader.string(FieldName.service, required: true)!
        guard !service.isEmpty else { throw EventDecodingError("field 'service' is empty") }
        let typeText = try reader.string(FieldName.eventType, required: true)!
        guard let eventType = EventType(rawValue: typeText) else {
            throw EventDecodingError(
                "field 'event_type': '\(typeText.prefix(40))' is not one of "
                    + EventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let message = try reader.string(FieldName.message)
        let payload: EventPayload
        switch eventType {
        case .requestStart:
            payload = .requestStart(
                RequestStart(
                    method: try reader.string(FieldName.method, required: true)!,
                    endpoint: try reader.string(FieldName.endpoint, required: true)!,
                    userID: try reader.string(FieldName.userID)))
        case .requestEnd:
            payload = .requestEnd(
                RequestEnd(
                    method: try reader.string(FieldName.method, required: true)!,
                    endpoint: try reader.string(FieldName.endpoint, required: true)!,
                    statusCode: try reader.int(FieldName.statusCode, required: true)!,
                    durationMS: try reader.double(FieldName.durationMS, required: true)!,
                    success: try reader.bool(FieldName.success, required: true)!))
        case .serviceCall:
            payload = .serviceCall(
                ServiceCall(
                    targetService: try reader.string(FieldName.targetService, required: true)!,
                    method: try reader.string(FieldName.method, required: true)!,
                    endpoint: try reader.string(FieldName.endpoint, required: true)!,
                    durationMS: try reader.double(FieldName.durationMS, required: true)!,
                    statusCode: try reader.int(FieldName.statusCode, required: true)!,
                    success: try reader.bool(FieldName.success, required: true)!,
                    error: try reader.string(FieldName.error),
                    attempt: try reader.int(FieldName.attempt)))
        case .error:
            guard message != nil else { throw EventDecodingError("field 'message' is required for error events") }
            payload = .error(
                ErrorDetails(
                    errorType: try reader.string(FieldName.errorType, required: true)!,
                    stack: try reader.string(FieldName.stack)))
        case .resource:
            payload = .resource(
                ResourceSample(
                    memoryMB: try reader.double(FieldName.memoryMB, required: true)!,
                    cpuPercent: try reader.double(FieldName.cpuPercent, required: true)!,
                    threads: try reader.int(FieldName.threads),
                    openFDs: try reader.int(FieldName.openFDs),
                    gauges: reader.takeNumericExtras()))
        case .log:
            guard message != nil else { throw EventDecodingError("field 'message' is required for log events") }
            payload = .log
        }
        self.init(
            timestamp: timestamp, level: level, service: service, payload: payload, message: message,
            eventID: try reader.string(FieldName.eventID), host: try reader.string(FieldName.host),
            instance: try reader.string(FieldName.instance), source: try reader.string(FieldName.source),
            correlationID: try reader.string(FieldName.correlationID),
            traceID: try reader.traceID(), spanID: try reader.spanID(FieldName.spanID),
            parentSpanID: try reader.spanID(FieldName.parentSpanID), traceFlags: try reader.traceFlags(),
            attributes: [:], droppedEvents: try reader.int(FieldName.droppedEvents),
            lineTruncated: try reader.bool(FieldName.lineTruncated) ?? false,
            truncatedFields: try reader.fieldNames(FieldName.fieldTruncated))
        // Everything not consumed is kept, including reserved names that do not belong to this event type
        // (they are written back under `metadata.<name>`): nothing a producer sent is silently lost.
        attributes = reader.fields
    }
}

/// Reads reserved fields with type checks and remembers which ones were consumed.
struct FieldReader {
    var fields: [String: JSONValue]

    mutating func take(_ name: String, required: Bool) throws(EventDecodingError) -> JSONValue? {
        guard let value = fields.removeValue(forKey: name), value != .null else {
            if required { throw EventDecodingError("missing required field '\(name)'") }
            return nil
        }
        return value
    }

    mutating func string(_ name: String, required: Bool = false) throws(EventDecodingError) -> String? {
        guard let value = try take(name, required: required) else { return nil }
        guard case .string(let text) = value else { throw EventDecodingError("field '\(name)' must be a string") }
        return text
    }

    mutating func int(_ name: String, required: Bool = false) throws(EventDecodingError) -> Int? {
        guard let value = try take(name, required: required) else { return nil }
        guard let number = value.intValue else { throw EventDecodingError("field '\(name)' must be an integer") }
        return number
    }

    mutating func double(_ name: String, required: Bool = false) throws(EventDecodingError) -> Double? {
        guard let value = try take(name, required: required) else { return nil }
        guard let number = value.doubleValue else { throw EventDecodingError("field '\(name)' must be a number") }
        return number
    }

    mutating func bool(_ name: String, required: Bool = false) throws(EventDecodingError) -> Bool? {
        guard let value = try take(name, required: required) else { return nil }
        guard let flag = value.boolValue else { throw EventDecodingError("field '\(name)' must be true or false") }
        return flag
    }

    /// `field_truncated`: an array of field names.
    mutating func fieldNames(_ name: String) throws(EventDecodingError) -> [String] {
        guard let value = try take(name, required: false) else { return [] }
        guard let names = value.fieldNames else { throw EventDecodingError(FieldReader.fieldNamesReason(name)) }
        return names
    }

    static func fieldNamesReason(_ name: String) -> String { "field '\(name)' must be an array of field names" }

    mutating func traceID() throws(EventDecodingError) -> TraceID? {
        guard let text = try string(FieldName.traceID) else { return nil }
        guard let id = HexID.traceID(text) else {
            throw EventDecodingError("field 'trace_id' must be 32 lowercase hex digits, not all zero")
        }
        return id
    }

    mutating func spanID(_ name: String) throws(EventDecodingError) -> SpanID? {
        guard let text = try string(name) else { return nil }
        guard let id = HexID.spanID(text) else {
            throw EventDecodingError("field '\(name)' must be 16 lowercase hex digits, not all zero")
        }
        return id
    }

    mutating func traceFlags() throws(EventDecodingError) -> UInt8? {
        guard let text = try string(FieldName.traceFlags) else { return nil }
        guard let bytes = HexID.parse(text, byteCount: 1, allowZero: true) else {
            throw EventDecodingError("field 'trace_flags' must be 2 hex digits")
        }
        return bytes[0]
    }

    /// For `resource` events: every remaining numeric field that is not reserved is a gauge.
    mutating func takeNumericExtras() -> [String: Double] {
        var gauges: [String: Double] = [:]
        for (key, value) in fields where !FieldName.reserved.contains(key) {
            if let number = value.doubleValue, value.boolValue == nil {
                gauges[key] = number
                fields[key] = nil
            }
        }
        return gauges
    }
}

/// Hex encoding of W3C IDs.
public enum HexID {
    /// Parses `byteCount * 2` lowercase hex digits; `nil` if malformed or (unless allowed) all zero.
    public static func parse(_ text: String, byteCount: Int, allowZero: Bool = false) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == byteCount * 2 else { return nil }
        var result = [UInt8](repeating: 0, count: byteCount)
        for i in 0..<byteCount {
            guard let high = nibble(utf8[2 * i]), let low = nibble(utf8[2 * i + 1]) else { return nil }
            result[i] = high << 4 | low
        }
        if !allowZero && result.allSatisfy({ $0 == 0 }) { return nil }
        return result
    }

    /// A W3C trace ID from 32 lowercase hex digits (not all zero).
    public static func traceID(_ text: String) -> TraceID? {
        guard let bytes = parse(text, byteCount: 16) else { return nil }
        var raw = TraceID.null.bytes
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        return TraceID(bytes: raw)
    }

    /// A W3C span ID from 16 lowercase hex digits (not all zero).
    public static func spanID(_ text: String) -> SpanID? {
        guard let bytes = parse(text, byteCount: 8) else { return nil }
        var raw = SpanID.null.bytes
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        return SpanID(bytes: raw)
    }

    /// Lowercase hex of `bytes`.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 87
        default: nil
        }
    }
}
