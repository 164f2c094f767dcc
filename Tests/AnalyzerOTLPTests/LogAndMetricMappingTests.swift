import AnalyzerOTLP
import Foundation
import OTLPModel
import ServiceLog
import Testing

@Suite("OTLP log records and metrics as canonical events")
struct LogAndMetricMappingTests {
    let now = Timestamp(microsecondsSinceEpoch: 1_796_119_200_000_000 + 3_600_000_000)

    func logs(_ records: [Opentelemetry_Proto_Logs_V1_LogRecord], service: String? = "orders") -> OTLPMappedBatch {
        LogRecordMapping.events(
            from: .with { request in
                request.resourceLogs = [.with {
                    $0.resource = OTLPFixtures.resource(service: service)
                    $0.scopeLogs = [.with { $0.scope = .with { $0.name = "orders.app" }; $0.logRecords = records }]
                }]
            }, now: now)
    }

    @Test("a log record keeps its severity, body, trace and span; an exception makes it an error event")
    func records() throws {
        let plain = Opentelemetry_Proto_Logs_V1_LogRecord.with {
            $0.timeUnixNano = OTLPFixtures.nanos(10)
            $0.severityNumber = .warn
            $0.body = .with { $0.stringValue = "retrying payment" }
            $0.traceID = OTLPFixtures.traceID
            $0.spanID = OTLPFixtures.spanID(1)
            $0.attributes = [OTLPFixtures.attribute("order.id", "o-1")]
        }
        let failure = Opentelemetry_Proto_Logs_V1_LogRecord.with {
            $0.observedTimeUnixNano = OTLPFixtures.nanos(20)
            $0.severityText = "ERROR"
            $0.body = .with { $0.kvlistValue = .with { $0.values = [OTLPFixtures.attribute("event", "charge failed"), OTLPFixtures.attribute("code", 51)] } }
            $0.attributes = [OTLPFixtures.attribute("exception.type", "CardDeclined"), OTLPFixtures.attribute("exception.stacktrace", "at charge()")]
        }
        let batch = logs([plain, failure])
        #expect(batch.rejectedItems == 0 && batch.events.count == 2)
        let warning = batch.events[0]
        #expect(warning.eventType == .log && warning.level == .warning && warning.message == "retrying payment")
        #expect(warning.correlationID == "0102030405060708090a0b0c0d0e0f10" && warning.spanID.map { "\($0)" } == "000000000000ab01")
        #expect(warning.attributes["order.id"] == .string("o-1") && warning.source == "orders.app")
        let error = batch.events[1]
        guard case .error(let details) = error.payload else {
            Issue.record("not an error event: \(error.eventType)")
            return
        }
        #expect(details.errorType == "CardDeclined" && details.stack == "at charge()")
        #expect(error.level == .error && error.message == #"{"code":51,"event":"charge failed"}"#)
        // No time of its own: placed when it was observed.
        #expect(error.timestamp.microsecondsSinceEpoch == 1_796_119_200_020_000)
        #expect(error.correlationID == nil)
        // The same record resent gets the same ID.
        #expect(logs([plain, failure]).events.map(\.eventID) == batch.events.map(\.eventID))
    }

    @Test("a record with no time at all, or from a resource with no service.name, is refused")
    func refusals() {
        let timeless = Opentelemetry_Proto_Logs_V1_LogRecord.with { $0.body = .with { $0.stringValue = "x" } }
        #expect(logs([timeless]).rejectedItems == 1)
        let timed = Opentelemetry_Proto_Logs_V1_LogRecord.with { $0.timeUnixNano = OTLPFixtures.nanos(1) }
        let anonymous = logs([timed, timed], service: nil)
        #expect(anonymous.rejectedItems == 2 && anonymous.events.isEmpty)
        #expect(anonymous.errorMessage.contains("OTEL_SERVICE_NAME"))
    }

    static func gauge(_ name: String, unit: String, _ value: Double, at milliseconds: Int, attributes: [OTLPFixtures.KeyValue] = []) -> Opentelemetry_Proto_Metrics_V1_Metric {
        .with { metric in
            metric.name = name
            metric.unit = unit
            metric.gauge = .with { $0.dataPoints = [.with { $0.timeUnixNano = OTLPFixtures.nanos(milliseconds); $0.asDouble = value; $0.attributes = attributes }] }
        }
    }

    func metrics(_ list: [Opentelemetry_Proto_Metrics_V1_Metric]) -> OTLPMappedBatch {
        MetricMapping.events(
            from: .with { request in
                request.resourceMetrics = [.with {
                    $0.resource = OTLPFixtures.resource(service: "orders")
                    $0.scopeMetrics = [.with { $0.metrics = list }]
                }]
            }, now: now)
    }

    @Test("process, pool and other gauges of one second make one resource sample in the format's units")
    func sample() throws {
        let batch = metrics([
            Self.gauge("process.memory.usage", unit: "By", 256 * 1_048_576, at: 100),
            Self.gauge("process.cpu.utilization", unit: "1", 0.375, at: 100),
            Self.gauge("process.thread.count", unit: "{thread}", 14, at: 100),
            Self.gauge("db.client.connection.count", unit: "{connection}", 9, at: 100, attributes: [OTLPFixtures.attribute("db.client.connection.state", "used")]),
            Self.gauge("db.client.connection.count", unit: "{connection}", 1, at: 100, attributes: [OTLPFixtures.attribute("db.client.connection.state", "idle")]),
            Self.gauge("db.client.connection.max", unit: "{connection}", 10, at: 100),
            Self.gauge("queue.depth", unit: "1", 3, at: 100),
            .with { $0.name = "http.server.request.count"; $0.sum = .with { $0.isMonotonic = true; $0.dataPoints = [.with { $0.timeUnixNano = OTLPFixtures.nanos(100); $0.asInt = 1000 }] } },
        ])
        #expect(batch.rejectedItems == 0)
        let event = try #require(batch.events.first)
        #expect(batch.events.count == 1)
        guard case .resource(let sample) = event.payload else { return }
        #expect(sample.memoryMB == 256 && sample.cpuPercent == 37.5 && sample.threads == 14)
        #expect(sample.gauges == ["pool_in_use": 9, "pool_idle": 1, "pool_max": 10, "queue_depth": 3])
        #expect(event.service == "orders" && event.instance == "pod-1")
    }

    @Test("an instance that sends no memory or CPU gauge is refused with what to export")
    func missingProcessGauges() {
        let batch = metrics([Self.gauge("queue.depth", unit: "1", 3, at: 100)])
        #expect(batch.events.isEmpty && batch.rejectedItems == 1)
        #expect(batch.errorMessage.contains("process.memory.usage"))
    }
}
