import GRDB
import ServiceLog

/// The indexed copies of an event's fields, in the column order of ``EventColumns/insertSQL``.
///
/// Only these columns are ever filtered on; the event itself is the `line` column.
struct EventColumns {
    /// `INSERT` for one event; an `event_id` already stored is skipped (`changesCount` is then 0).
    static let insertSQL = """
        INSERT INTO events (event_id, ts, service, event_type, correlation_key, trace_key, line)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(event_id) DO NOTHING
        """

    /// The statement arguments for `event`, stored with `line` as its canonical JSON.
    ///
    /// An array literal: GRDB's `StatementArguments(_:)` from a sequence goes through an unspecialized
    /// key path per call, which profiled at 3.5x the literal's cost on the writer's thread.
    static func arguments(for event: Event, line: String) -> StatementArguments {
        [
            StoredEventID.of(event),
            event.timestamp.microsecondsSinceEpoch,
            event.service,
            event.eventType.rawValue,
            event.correlationID.map(RequestKey.of),
            event.traceID.map(RequestKey.of),
            line,
        ]
    }
}
