import Foundation
import Logging
import ServiceLog
import Testing

@Suite struct HandlerTests {
    @Test func plainLogCallsInsideARequestCarryItsContext() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let context = CorrelationContext.newRoot(correlationID: "order-42")
        context.withCurrent {
            logger.info("charged card", metadata: ["amount": .stringConvertible(42), "currency": "EUR", "vip": .stringConvertible(true), "ratio": .stringConvertible(0.25)])
        }
        logger.info("outside")
        writer.flush()
        let lines = output.lines
        try #require(lines.count == 2)
        let inside = try Event(jsonLine: lines[0])
        #expect(inside.eventType == .log)
        #expect(inside.message == "charged card")
        #expect(inside.correlationID == "order-42")
        #expect(inside.traceID == context.trace.traceID)
        #expect(inside.spanID == context.trace.spanID)
        #expect(inside.host == "test-host")
        #expect(inside.eventID?.count == 32)
        #expect(inside.attributes["amount"] == .int(42))
        #expect(inside.attributes["currency"] == .string("EUR"))
        #expect(inside.attributes["vip"] == .bool(true))
        #expect(inside.attributes["ratio"] == .double(0.25))
        let outside = try Event(jsonLine: lines[1])
        #expect(outside.correlationID == nil && outside.traceID == nil)
        #expect(outside.eventID != inside.eventID)
    }

    @Test func typedEventsKeepTheirTypes() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        logger.requestStart(method: "GET", endpoint: "/orders/:id", userID: "u-7")
        logger.requestEnd(method: "GET", endpoint: "/orders/:id", statusCode: 503, durationMS: 1.25)
        logger.serviceCall(ServiceCall(targetService: "db", method: "GET", endpoint: "/q", durationMS: 3, statusCode: 0, success: false, error: "timeout", attempt: 1))
        logger.errorEvent(CocoaError(.fileNoSuchFile), message: "config missing")
        logger.resource(ResourceSample(memoryMB: 100, cpuPercent: 50, threads: 3, openFDs: 9, gauges: ["pool_in_use": 4]))
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        #expect(events.map(\.eventType) == [.requestStart, .requestEnd, .serviceCall, .error, .resource])
        #expect(events[1].level == .error)  // a failed request is an error
        #expect(events[2].level == .warning)  // a failed call may still be retried
        #expect(events[3].message == "config missing")
        guard case .requestEnd(let end) = events[1].payload, case .resource(let sample) = events[4].payload else {
            Issue.record("payloads")
            return
        }
        #expect(end.success == false && end.statusCode == 503)
        #expect(sample.gauges == ["pool_in_use": 4])
    }

    @Test func nothingIsWrittenBelowTheLevel() {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output, level: .warning)
        logger.info("hidden")
        logger.requestStart(method: "GET", endpoint: "/")
        logger.warning("shown")
        writer.flush()
        #expect(output.lines.count == 1)
        #expect(output.text.contains("shown"))
    }

    @Test func secretsAreRedactedAtAnyDepthAndCaseInsensitively() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        logger.info("login", metadata: [
            "password": "hunter2", "Authorization": "Bearer abc", "X-Api-Key": "k-123", "db_password_file": "/run/secret",
            "user": "alice", "request": .dictionary(["headers": .dictionary(["cookie": "session=s3cr3t", "accept": "json"])]),
            "card_number": "4111111111111111",
        ])
        writer.flush()
        let text = output.text
        for secret in ["hunter2", "Bearer abc", "k-123", "s3cr3t", "4111111111111111", "/run/secret"] {
            #expect(!text.contains(secret), "leaked \(secret)")
        }
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.attributes["password"] == .string("[REDACTED]"))
        #expect(event.attributes["user"] == .string("alice"))
        #expect(event.attributes["request"] == .object(["headers": .object(["cookie": .string("[REDACTED]"), "accept": .string("json")])]))
    }

    @Test func theSecretListIsConfigurable() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output) { $0.redaction = Redaction(words: ["iban"]) }
        logger.info("x", metadata: ["customer_IBAN": "DE89370400440532013000", "password": "visible-now"])
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.attributes["customer_IBAN"] == .string("[REDACTED]"))
        #expect(event.attributes["password"] == .string("visible-now"))
    }

    @Test func metadataCannotOverwriteReservedFields() throws {
        let output = CapturingOutput()
        var (logger, writer) = makeLogger(service: "real", output: output)
        logger[metadataKey: "trace_id"] = "forged"
        CorrelationContext.newRoot().withCurrent {
            logger.info("x", metadata: ["service": "fake", "event_type": "request_end", "level": "critical"])
        }
        writer.flush()
        let object = try foundationObject(output.lines[0])
        #expect(object["service"] as? String == "real")
        #expect(object["event_type"] as? String == "log")
        #expect(object["level"] as? String == "info")
        #expect((object["trace_id"] as? String)?.count == 32)
        #expect(object["metadata.trace_id"] as? String == "forged")
        #expect(object["metadata.service"] as? String == "fake")
        _ = try Event(jsonLine: output.lines[0])
    }

    @Test func mergesLoggerProviderAndCallMetadataWithTheCallWinning() throws {
        let output = CapturingOutput()
        let configuration = ServiceLogConfiguration(service: "s")
        let writer = ServiceLog.makeWriter(configuration: configuration, output: output)
        let provider = Logger.MetadataProvider { ["tenant": "acme", "shared": "provider"] }
        var logger = Logger(label: "t") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer, metadataProvider: provider) }
        logger[metadataKey: "shared"] = "logger"
        logger[metadataKey: "component"] = "checkout"
        logger.info("a", metadata: ["shared": "call"])
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.attributes["tenant"] == .string("acme"))
        #expect(event.attributes["component"] == .string("checkout"))
        #expect(event.attributes["shared"] == .string("call"))
    }

    @Test func typedEventsSurviveAMultiplexHandler() throws {
        let output = CapturingOutput()
        let configuration = ServiceLogConfiguration(service: "s")
        let writer = ServiceLog.makeWriter(configuration: configuration, output: output)
        let logger = Logger(label: "m") { label in
            MultiplexLogHandler([
                ServiceLogHandler(label: label, configuration: configuration, writer: writer),
                SwiftLogNoOpLogHandler(),
            ])
        }
        logger.requestEnd(method: "POST", endpoint: "/pay", statusCode: 201, durationMS: 9)
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.eventType == .requestEnd)
        #expect(event.attributes[EventPayload.metadataKey] == nil)
        #expect(event.message == nil)
    }

    @Test func logCallsCarryingAnErrorBecomeErrorEvents() throws {
        struct PaymentDeclined: Error, CustomStringConvertible { var description: String { "insufficient funds" } }
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        logger.log(event: LogEvent(level: .error, message: "charge failed", error: PaymentDeclined(), metadata: nil, source: nil, file: #fileID, function: #function, line: #line))
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.eventType == .error)
        #expect(event.message == "charge failed: insufficient funds")
        guard case .error(let details) = event.payload else { Issue.record("payload"); return }
        #expect(details.errorType.hasSuffix("PaymentDeclined"))
    }

    @Test func theMetadataProviderServesOtherHandlers() {
        let context = CorrelationContext.newRoot(correlationID: "c-9")
        let metadata = context.withCurrent { Logger.MetadataProvider.serviceLog.get() }
        #expect(metadata["correlation_id"] == "c-9")
        #expect(metadata["trace_id"] == .string(context.trace.traceID.description))
        #expect(Logger.MetadataProvider.serviceLog.get().isEmpty)
    }
}

extension Logger {
    /// Forwards a full `LogEvent` (swift-log 1.16 API) to the handler, as `Logger.log(level:error:)` would.
    func log(event: LogEvent) { handler.log(event: event) }
}
