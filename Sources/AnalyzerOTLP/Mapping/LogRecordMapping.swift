import Foundation
import Logging
import OTLPModel
import ServiceLog
import SpanConventions
import W3CTraceContext

/// OTLP log records as canonical events: a `log` event at the record's severity, or an `error`
/// event when the record carries an exception (`exception.type`); the body is the message (a map or
/// list body as compact JSON). The record's trace and span IDs are kept; without a correlation
/// attribute the trace ID is the correlation ID. Attributes not read are kept as free-form fields.
///
/// A record that `logshipper --to-otlp` made from a canonical event (`event_name`
/// `servicelog.request_end`, ...) becomes that event again, typed fields included, so events that pass
/// through an OpenTelemetry Collector on their way to the analyzer lose nothing.
public enum LogRecordMapping {
    /// Maps every log record of `request`.
    /// - Parameters:
    ///   - limits: the size and range checks an NDJSON line gets; `nil` checks nothing.
    ///   - now: the receiver's clock.
    public static func events(
        from request: Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest, limits: FieldLimits? = FieldLimits(),
        now: Timestamp = .now()
    ) -> OTLPMappedBatch {
        var batch = OTLPMappedBatch()
        for resourceLogs in request.resourceLogs {
            let identity = OTLPResourceIdentity(resourceLogs.resource)
            guard let service = identity.service else {
                batch.reject(resourceLogs.scopeLogs.reduce(0) { $0 + $1.logRecords.count }, OTLPResourceIdentity.missingServiceName)
                continue
            }
            for scopeLogs in resourceLogs.scopeLogs {
                let source = scopeLogs.scope.name.isEmpty ? nil : scopeLogs.scope.name
                for record in scopeLogs.logRecords {
                    do {
                        batch.accept([try event(record, service: service, identity: identity, source: source)], limits: limits, now: now)
                    } catch {
                        batch.reject(1, error.reason)
                    }
                }
            }
        }
        return batch
    }

    static func event(
        _ record: Opentelemetry_Proto_Logs_V1_LogRecord, service: String, identity: OTLPResourceIdentity, source: String?
    ) throws(OTLPItemError) -> Event {
        // The spec: a record without its own time is placed at the time the collector saw it.
        guard let time = OTLPIDs.timestamp(nanos: record.timeUnixNano) ?? OTLPIDs.timestamp(nanos: record.observedTimeUnixNano) else {
            throw OTLPItemError("a log record with neither time_unix_nano nor observed_time_unix_nano")
        }
        var attributes = OTLPAttributes(record.attributes)
        let level = Self.level(record.severityNumber.rawValue, text: record.severityText)
        var message = record.hasBody ? OTLPAttributes.text(record.body) : ""
        if message.isEmpty { message = record.eventName.isEmpty ? "(empty log record)" : record.eventName }
        let traceID = OTLPIDs.traceID(record.traceID)
        let droppedEvents = attributes.int("servicelog.dropped_events").map { Int(clamping: $0) }
        let lineTruncated = attributes.bool("servicelog.line_truncated") ?? false
        let payload: EventPayload
        if let typed = Self.canonicalPayload(eventName: record.eventName, &attributes) {
            payload = typed
            if message == record.eventName { message = "" }
        } else if let type = attributes.string("exception.type") {
            payload = .error(ErrorDetails(errorType: type, stack: attributes.string("exception.stacktrace")))
            if let text = attributes.string("exception.message"), message == "(empty log record)" { message = text }
        } else {
            payload = .log
        }
        let correlation = attributes.string("correlation_id", "correlation.id", "servicelog.correlation_id")
            ?? (traceID == nil ? nil : HexID.string(record.traceID))
        let parent = attributes.string("servicelog.parent_span_id").flatMap(HexID.spanID)
        let eventID = attributes.string("log.record.uid") ?? Self.derivedID(record, service: service, instance: identity.instance, message: message)
        var event = Event(
            timestamp: time, level: level, service: service, payload: payload, message: message.isEmpty ? nil : message, eventID: eventID,
            host: identity.host, instance: identity.instance, source: source, correlationID: correlation, traceID: traceID,
            spanID: OTLPIDs.spanID(record.spanID), parentSpanID: parent, traceFlags: record.flags == 0 ? nil : UInt8(truncatingIfNeeded: record.flags & 0xff))
        event.attributes = attributes.remaining()
        event.droppedEvents = droppedEvents
        event.lineTruncated = lineTruncated
        return event
    }

    /// The typed fields of a record made from a canonical request, call or resource event, read back
    /// from the attributes `docs/event-format.md` maps them to; `nil` for any other record (or one
    /// missing a required field, which is then an ordinary log record).
    static func canonicalPayload(eventName: String, _ attributes: inout OTLPAttributes) -> EventPayload? {
        guard eventName.hasPrefix("servicelog."), let type = EventType(rawValue: String(eventName.dropFirst("servicelog.".count))) else { return nil }
        var probe = attributes
        let payload: EventPayload
        switch type {
        case .requestStart:
            guard let method = probe.string("http.request.method"), let endpoint = probe.string("url.path") else { return nil }
            payload = .requestStart(RequestStart(method: method, endpoint: endpoint, userID: probe.string("user.id")))
        case .requestEnd:
            guard let method = probe.string("http.request.method"), let endpoint = probe.string("url.path"),
                let status = probe.int("http.response.status_code"), let seconds = probe.double("http.server.request.duration")
            else { return nil }
            payload = .requestEnd(RequestEnd(
                method: method, endpoint: endpoint, statusCode: Int(clamping: status), durationMS: seconds * 1000,
                success: probe.bool("servicelog.success") ?? (status < 500)))
        case .serviceCall:
            guard let target = probe.string("peer.service"), let method = probe.string("http.request.method"), let endpoint = probe.string("url.path"),
                let status = probe.int("http.response.status_code"), let seconds = probe.double("http.client.request.duration")
            else { return nil }
            payload = .serviceCall(ServiceCall(
                targetService: target, method: method, endpoint: endpoint, durationMS: seconds * 1000, statusCode: Int(clamping: status),
                success: probe.bool("servicelog.success") ?? (status > 0 && status < 500), error: probe.string("error.type"),
                attempt: SpanConventions.attempt(&probe)))
        case .resource:
            guard let bytes = probe.double("process.memory.usage"), let ratio = probe.double("process.cpu.utilization") else { return nil }
            let threads = probe.int("process.thread.count").map { Int(clamping: $0) }
            let fds = probe.int("process.unix.file_descriptor.count").map { Int(clamping: $0) }
            payload = .resource(ResourceSample(
                memoryMB: bytes / 1_048_576, cpuPercent: ratio * 100, threads: threads, openFDs: fds, gauges: probe.remainingNumbers()))
        case .error, .log:
            return nil
        }
        attributes = probe
        return payload
    }

    /// OTLP's severity numbers (1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24
    /// fatal); without one, the severity text; without both, info.
    static func level(_ number: Int, text: String) -> Logger.Level {
        switch number {
        case 1...4: return .trace
        case 5...8: return .debug
        case 9: return .info
        case 10...12: return .notice
        case 13...16: return .warning
        case 17...20: return .error
        case 21...: return .critical
        default:
            switch text.lowercased() {
            case "trace": return .trace
            case "debug": return .debug
            case "notice": return .notice
            case "warn", "warning": return .warning
            case "error", "err": return .error
            case "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic": return .critical
            default: return .info
            }
        }
    }

    /// A stable ID for a record (so a resent batch is stored once): its service, instance, time,
    /// span and text, hashed.
    static func derivedID(_ record: Opentelemetry_Proto_Logs_V1_LogRecord, service: String, instance: String?, message: String) -> String {
        var hash = FNV1a()
        for part in [service, instance ?? "", String(record.timeUnixNano), String(record.observedTimeUnixNano), HexID.string(record.spanID), message] {
            hash.add(part.utf8)
            hash.add(0x1f)
        }
        return "otlp:log:" + String(hash.value, radix: 16)
    }
}
