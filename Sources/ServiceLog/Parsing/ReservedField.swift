#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The reserved fields of the canonical format, recognised by their bytes.
///
/// The fast decoder (``CanonicalEventDecoder``) looks every top-level key up here without building a
/// `String` or hashing: a switch on the key's length and first byte, then one `memcmp`.
enum ReservedField: Int, CaseIterable, Sendable {
    case timestamp, level, service, eventType, eventID, host, instance, message, source, correlationID
    case traceID, spanID, parentSpanID, traceFlags
    case method, endpoint, userID, statusCode, durationMS, success, targetService, error, attempt
    case errorType, stack, memoryMB, cpuPercent, threads, openFDs
    case droppedEvents, lineTruncated, fieldTruncated

    /// The field's name on the wire (one of ``FieldName``'s constants).
    var name: String {
        switch self {
        case .timestamp: FieldName.timestamp
        case .level: FieldName.level
        case .service: FieldName.service
        case .eventType: FieldName.eventType
        case .eventID: FieldName.eventID
        case .host: FieldName.host
        case .instance: FieldName.instance
        case .message: FieldName.message
        case .source: FieldName.source
        case .correlationID: FieldName.correlationID
        case .traceID: FieldName.traceID
        case .spanID: FieldName.spanID
        case .parentSpanID: FieldName.parentSpanID
        case .traceFlags: FieldName.traceFlags
        case .method: FieldName.method
        case .endpoint: FieldName.endpoint
        case .userID: FieldName.userID
        case .statusCode: FieldName.statusCode
        case .durationMS: FieldName.durationMS
        case .success: FieldName.success
        case .targetService: FieldName.targetService
        case .error: FieldName.error
        case .attempt: FieldName.attempt
        case .errorType: FieldName.errorType
        case .stack: FieldName.stack
        case .memoryMB: FieldName.memoryMB
        case .cpuPercent: FieldName.cpuPercent
        case .threads: FieldName.threads
        case .openFDs: FieldName.openFDs
        case .droppedEvents: FieldName.droppedEvents
        case .lineTruncated: FieldName.lineTruncated
        case .fieldTruncated: FieldName.fieldTruncated
        }
    }

    /// The reserved field whose name is exactly `key` (UTF-8), or `nil` for any other key.
    @inline(__always)
    init?(key: UnsafeRawBufferPointer) {
        guard key.count >= 4, key.count <= 15 else { return nil }
        let field: ReservedField
        switch (key.count, key[0]) {
        case (4, UInt8(ascii: "h")): field = .host
        case (5, UInt8(ascii: "l")): field = .level
        case (5, UInt8(ascii: "e")): field = .error
        case (5, UInt8(ascii: "s")): field = .stack
        case (6, UInt8(ascii: "m")): field = .method
        case (6, UInt8(ascii: "s")): field = .source
        case (7, UInt8(ascii: "s")):
            switch key[1] {
            case UInt8(ascii: "e"): field = .service
            case UInt8(ascii: "u"): field = .success
            case UInt8(ascii: "p"): field = .spanID
            default: return nil
            }
        case (7, UInt8(ascii: "m")): field = .message
        case (7, UInt8(ascii: "u")): field = .userID
        case (7, UInt8(ascii: "a")): field = .attempt
        case (7, UInt8(ascii: "t")): field = .threads
        case (8, UInt8(ascii: "i")): field = .instance
        case (8, UInt8(ascii: "e")):
            switch key[1] {
            case UInt8(ascii: "n"): field = .endpoint
            case UInt8(ascii: "v"): field = .eventID
            default: return nil
            }
        case (8, UInt8(ascii: "t")): field = .traceID
        case (8, UInt8(ascii: "o")): field = .openFDs
        case (9, UInt8(ascii: "t")): field = .timestamp
        case (9, UInt8(ascii: "m")): field = .memoryMB
        case (10, UInt8(ascii: "e")):
            switch key[1] {
            case UInt8(ascii: "v"): field = .eventType
            case UInt8(ascii: "r"): field = .errorType
            default: return nil
            }
        case (11, UInt8(ascii: "s")): field = .statusCode
        case (11, UInt8(ascii: "d")): field = .durationMS
        case (11, UInt8(ascii: "t")): field = .traceFlags
        case (11, UInt8(ascii: "c")): field = .cpuPercent
        case (14, UInt8(ascii: "c")): field = .correlationID
        case (14, UInt8(ascii: "p")): field = .parentSpanID
        case (14, UInt8(ascii: "t")): field = .targetService
        case (14, UInt8(ascii: "d")): field = .droppedEvents
        case (14, UInt8(ascii: "l")): field = .lineTruncated
        case (15, UInt8(ascii: "f")): field = .fieldTruncated
        default: return nil
        }
        guard field.matches(key) else { return nil }
        self = field
    }

    /// The reserved field named `key`, for keys that had escapes and were decoded to a `String` first.
    init?(name key: String) {
        var key = key
        guard let field = key.withUTF8({ ReservedField(key: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = field
    }

    /// Whether `key` spells this field's name.
    @inline(__always)
    func matches(_ key: UnsafeRawBufferPointer) -> Bool {
        let literal = spelling
        guard key.count == literal.utf8CodeUnitCount, let base = key.baseAddress else { return false }
        return memcmp(base, literal.utf8Start, key.count) == 0
    }

    /// The name as a static string, for byte comparison.
    private var spelling: StaticString {
        switch self {
        case .timestamp: "timestamp"
        case .level: "level"
        case .service: "service"
        case .eventType: "event_type"
        case .eventID: "event_id"
        case .host: "host"
        case .instance: "instance"
        case .message: "message"
        case .source: "source"
        case .correlationID: "correlation_id"
        case .traceID: "trace_id"
        case .spanID: "span_id"
        case .parentSpanID: "parent_span_id"
        case .traceFlags: "trace_flags"
        case .method: "method"
        case .endpoint: "endpoint"
        case .userID: "user_id"
        case .statusCode: "status_code"
        case .durationMS: "duration_ms"
        case .success: "success"
        case .targetService: "target_service"
        case .error: "error"
        case .attempt: "attempt"
        case .errorType: "error_type"
        case .stack: "stack"
        case .memoryMB: "memory_mb"
        case .cpuPercent: "cpu_percent"
        case .threads: "threads"
        case .openFDs: "open_fds"
        case .droppedEvents: "dropped_events"
        case .lineTruncated: "line_truncated"
        case .fieldTruncated: "field_truncated"
        }
    }
}
