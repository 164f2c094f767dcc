import GRDB
import ServiceLog

/// The indexed copies of an event's fields, in the column order of ``EventColumns/insertSQL``.
///
/// Only these columns are ever filtered on; the event itself is the `line` column.
struct EventColumns {
    /// `INSERT` for one event; an `event_id` already stored is skipped (`changesCount` is then 0).
    static let insertSQL = """
        INSERT INTO events (
            event_id, ts, service, event_type, level, correlation_id, trace_id, span_id, parent_span_id,
            target_service, endpoint, status_code, duration_ms, success, error, line)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(event_id) DO NOTHING
        """

    /// The statement arguments for `event`, stored with `line` as its canonical JSON.
    static func arguments(for event: Event, line: String) -> StatementArguments {
        var targetService: String?
        var endpoint: String?
        var statusCode: Int?
        var durationMS: Double?
        var success: Bool?
        var error: String?
        switch event.payload {
        case .requestStart(let start):
            endpoint = start.endpoint
        case .requestEnd(let end):
            endpoint = end.endpoint
            statusCode = end.statusCode
            durationMS = end.durationMS
            success = end.success
        case .serviceCall(let call):
            targetService = call.targetService
            endpoint = call.endpoint
            statusCode = call.statusCode
            durationMS = call.durationMS
            success = call.success
            error = call.error
        case .error, .resource, .log:
            break
        }
        return [
            StoredEventID.of(event),
            event.timestamp.microsecondsSinceEpoch,
            event.service,
            event.eventType.rawValue,
            event.level.rawValue,
            event.correlationID,
            event.traceID?.description,
            event.spanID?.description,
            event.parentSpanID?.description,
            targetService,
            endpoint,
            statusCode,
            durationMS,
            success,
            error,
            line,
        ]
    }
}
