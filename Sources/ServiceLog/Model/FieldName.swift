/// The names of the canonical format's reserved fields. Metadata can never overwrite one of them: a
/// metadata key equal to a reserved name is written as `metadata.<key>`.
public enum FieldName {
    public static let timestamp = "timestamp"
    public static let level = "level"
    public static let service = "service"
    public static let eventType = "event_type"
    public static let eventID = "event_id"
    public static let host = "host"
    public static let instance = "instance"
    public static let message = "message"
    public static let source = "source"
    public static let correlationID = "correlation_id"
    public static let traceID = "trace_id"
    public static let spanID = "span_id"
    public static let parentSpanID = "parent_span_id"
    public static let traceFlags = "trace_flags"
    public static let method = "method"
    public static let endpoint = "endpoint"
    public static let userID = "user_id"
    public static let statusCode = "status_code"
    public static let durationMS = "duration_ms"
    public static let success = "success"
    public static let targetService = "target_service"
    public static let error = "error"
    public static let attempt = "attempt"
    public static let errorType = "error_type"
    public static let stack = "stack"
    public static let memoryMB = "memory_mb"
    public static let cpuPercent = "cpu_percent"
    public static let threads = "threads"
    public static let openFDs = "open_fds"
    /// A loss report: how many events the producer lost before this one (see `docs/event-format.md`).
    public static let droppedEvents = "dropped_events"
    /// The event was re-written shortened because its line was over the limit.
    public static let lineTruncated = "line_truncated"
    /// The fields whose values an encoder cut (each ends in `…[truncated N bytes]`).
    public static let fieldTruncated = "field_truncated"

    /// Every reserved name.
    public static let reserved: Set<String> = [
        timestamp, level, service, eventType, eventID, host, instance, message, source, correlationID, traceID,
        spanID, parentSpanID, traceFlags, method, endpoint, userID, statusCode, durationMS, success, targetService,
        error, attempt, errorType, stack, memoryMB, cpuPercent, threads, openFDs, droppedEvents, lineTruncated, fieldTruncated,
    ]

    /// Whether `key` is reserved. Runs on every metadata key of every event, so it compares against
    /// the few names of the key's length instead of hashing it.
    public static func isReserved(_ key: String) -> Bool {
        switch key.utf8.count {
        case 5: key == level || key == error || key == stack
        case 6: key == method || key == source
        case 7: key == service || key == message || key == user_id_ || key == success || key == attempt || key == threads || key == span_id_
        case 4: key == host
        case 8: key == instance || key == endpoint || key == event_id_ || key == trace_id_ || key == open_fds_
        case 9: key == timestamp || key == memory_mb_
        case 10: key == eventType || key == errorType
        case 11: key == statusCode || key == durationMS || key == traceFlags || key == cpuPercent
        case 14: key == correlationID || key == parentSpanID || key == targetService || key == droppedEvents || key == lineTruncated
        case 15: key == fieldTruncated
        default: false
        }
    }

    // Names whose Swift identifiers above differ from their length group's spelling.
    private static let user_id_ = userID, span_id_ = spanID, event_id_ = eventID, trace_id_ = traceID
    private static let open_fds_ = openFDs, memory_mb_ = memoryMB

    /// The prefix a colliding metadata key is written under.
    public static let collisionPrefix = "metadata."
}
