import Foundation
import Logging
import OTLPModel
import ServiceLog

/// Canonical events as an OTLP logs export request, field by field as `docs/event-format.md`
/// ("OpenTelemetry mapping") says: the service, instance and host become the resource; the source
/// the instrumentation scope; level, message, trace and span the record's own fields; the event type
/// the record's event name (`servicelog.request_end`, ...); every typed field an attribute under its
/// semantic-convention name; free-form fields attributes under their own names.
public enum OTLPLogEncoding {
    /// One request for `events`, grouped by resource and scope in the order they first appear.
    /// - Parameter observed: when the shipper read them (`observed_time_unix_nano`).
    public static func request(for events: [Event], observed: Timestamp = .now()) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest {
        struct ResourceKey: Hashable {
            var service: String
            var instance: String?
            var host: String?
        }
        var resources: [ResourceKey] = []
        var scopes: [ResourceKey: [String]] = [:]
        var records: [ResourceKey: [String: [Opentelemetry_Proto_Logs_V1_LogRecord]]] = [:]
        for event in events {
            let key = ResourceKey(service: event.service, instance: event.instance, host: event.host)
            let scope = event.source ?? ""
            if records[key] == nil { resources.append(key) }
            if records[key]?[scope] == nil { scopes[key, default: []].append(scope) }
            records[key, default: [:]][scope, default: []].append(record(for: event, observed: observed))
        }
        return .with { request in
            request.resourceLogs = resources.map { key in
                .with { resourceLogs in
                    resourceLogs.resource = .with { resource in
                        resource.attributes = [attribute("service.name", .string(key.service))]
                        if let instance = key.instance { resource.attributes.append(attribute("service.instance.id", .string(instance))) }
                        if let host = key.host { resource.attributes.append(attribute("host.name", .string(host))) }
                    }
                    resourceLogs.scopeLogs = (scopes[key] ?? []).map { scope in
                        .with {
                            $0.scope = .with { $0.name = scope }
                            $0.logRecords = records[key]?[scope] ?? []
                        }
                    }
                }
            }
        }
    }

    /// OTLP's severity numbers for swift-log's levels.
    static func severity(_ level: Logger.Level) -> Opentelemetry_Proto_Logs_V1_SeverityNumber {
        switch level {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .info2
        case .warning: .warn
        case .error: .error
        case .critical: .fatal
        }
    }

    /// One event as a log record.
    public static func record(for event: Event, observed: Timestamp) -> Opentelemetry_Proto_Logs_V1_LogRecord {
        var attributes: [Opentelemetry_Proto_Common_V1_KeyValue] = []
        func add(_ key: String, _ value: JSONValue?) {
            if let value { attributes.append(attribute(key, value)) }
        }
        add("log.record.uid", event.eventID.map(JSONValue.string))
        add("servicelog.correlation_id", event.correlationID.map(JSONValue.string))
        add("servicelog.parent_span_id", event.parentSpanID.map { .string("\($0)") })
        switch event.payload {
        case .requestStart(let start):
            add("http.request.method", .string(start.method))
            add("url.path", .string(start.endpoint))
            add("user.id", start.userID.map(JSONValue.string))
        case .requestEnd(let end):
            add("http.request.method", .string(end.method))
            add("url.path", .string(end.endpoint))
            add("http.response.status_code", .int(Int64(end.statusCode)))
            add("http.server.request.duration", .double(end.durationMS / 1000))
            add("servicelog.success", .bool(end.success))
        case .serviceCall(let call):
            add("peer.service", .string(call.targetService))
            add("http.request.method", .string(call.method))
            add("url.path", .string(call.endpoint))
            add("http.response.status_code", .int(Int64(call.statusCode)))
            add("http.client.request.duration", .double(call.durationMS / 1000))
            add("servicelog.success", .bool(call.success))
            add("error.type", call.error.map(JSONValue.string))
            add("http.request.resend_count", call.attempt.map { .int(Int64($0) - 1) })
        case .error(let details):
            add("exception.type", .string(details.errorType))
            add("exception.message", event.message.map(JSONValue.string))
            add("exception.stacktrace", details.stack.map(JSONValue.string))
        case .resource(let sample):
            add("process.memory.usage", .double(sample.memoryMB * 1_048_576))
            add("process.cpu.utilization", .double(sample.cpuPercent / 100))
            add("process.thread.count", sample.threads.map { .int(Int64($0)) })
            add("process.unix.file_descriptor.count", sample.openFDs.map { .int(Int64($0)) })
            for name in sample.gauges.keys.sorted() { add(name, .double(sample.gauges[name]!)) }
        case .log:
            break
        }
        add("servicelog.dropped_events", event.droppedEvents.map { .int(Int64($0)) })
        if event.lineTruncated { add("servicelog.line_truncated", .bool(true)) }
        if !event.truncatedFields.isEmpty { add("servicelog.field_truncated", .array(event.truncatedFields.map(JSONValue.string))) }
        for key in event.attributes.keys.sorted() { add(key, event.attributes[key]) }

        return .with { record in
            record.timeUnixNano = nanos(event.timestamp)
            record.observedTimeUnixNano = nanos(observed)
            record.severityNumber = severity(event.level)
            record.severityText = event.level.rawValue.uppercased()
            record.eventName = "servicelog." + event.eventType.rawValue
            if let message = event.message { record.body = .with { $0.stringValue = message } }
            if let trace = event.traceID { record.traceID = withUnsafeBytes(of: trace.bytes) { Data($0) } }
            if let span = event.spanID { record.spanID = withUnsafeBytes(of: span.bytes) { Data($0) } }
            if let flags = event.traceFlags { record.flags = UInt32(flags) }
            record.attributes = attributes
        }
    }

    static func nanos(_ timestamp: Timestamp) -> UInt64 {
        let micros = max(0, timestamp.microsecondsSinceEpoch)
        let (nanos, overflow) = UInt64(micros).multipliedReportingOverflow(by: 1000)
        return overflow ? .max : nanos
    }

    static func attribute(_ key: String, _ value: JSONValue) -> Opentelemetry_Proto_Common_V1_KeyValue {
        .with {
            $0.key = key
            $0.value = anyValue(value)
        }
    }

    static func anyValue(_ value: JSONValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        .with { any in
            switch value {
            case .null: any.value = nil
            case .bool(let bool): any.boolValue = bool
            case .int(let int): any.intValue = int
            case .double(let double): any.doubleValue = double
            case .string(let string): any.stringValue = string
            case .array(let values): any.arrayValue = .with { $0.values = values.map(anyValue) }
            case .object(let members): any.kvlistValue = .with { $0.values = members.keys.sorted().map { attribute($0, members[$0]!) } }
            }
        }
    }
}
