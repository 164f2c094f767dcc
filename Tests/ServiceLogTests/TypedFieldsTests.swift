import Foundation
import Logging
import ServiceLog
import Testing

/// The typed-field path (`logger.event(…, fields:)`) writes what the metadata path writes, with every
/// guarantee of the metadata path: escaping, redaction, reserved names, limits, no duplicate keys.
@Suite struct TypedFieldsTests {
    /// The line's object without the two fields that differ per event.
    func stable(_ line: String) throws -> NSDictionary {
        var object = try foundationObject(line)
        object["timestamp"] = nil
        object["event_id"] = nil
        return object as NSDictionary
    }

    @Test func typedFieldsWriteWhatTheSameMetadataWrites() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let payload = EventPayload.requestStart(RequestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842"))
        let fields: [LogField] = [
            .string("region", "eu-west-1"), .int("cart_items", 3), .int("negative", -7), .double("ratio", 0.25),
            .double("whole", 2), .double("not_finite", .infinity), .bool("vip", true), .bool("trial", false),
        ]
        CorrelationContext.newRoot(correlationID: "order-42").withCurrent {
            for field in fields {
                logger.event(payload, fields: field)
                logger.event(payload, level: .info, metadata: [field.key: field.metadataValue])
            }
            logger.event(payload, fields: fields[0], fields[1])
            logger.requestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842", metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            logger.requestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842", fields: fields[0], fields[1])
        }
        writer.flush()
        let lines = output.lines
        try #require(lines.count == fields.count * 2 + 3)
        for index in stride(from: 0, to: fields.count * 2, by: 2) {
            #expect(try stable(lines[index]) == stable(lines[index + 1]), "\(lines[index]) vs \(lines[index + 1])")
        }
        let two = fields.count * 2
        #expect(try stable(lines[two]) == stable(lines[two + 1]))
        #expect(try stable(lines[two + 1]) == stable(lines[two + 2]))
        let event = try Event(jsonLine: lines[two])
        #expect(event.correlationID == "order-42")
        #expect(event.attributes == ["region": .string("eu-west-1"), "cart_items": .int(3)])
        // Field order is call order: the typed line's tail is exactly this.
        #expect(lines[two].hasSuffix(#","user_id":"u-1842","region":"eu-west-1","cart_items":3}"#))
        #expect(lines[0].hasSuffix(#","region":"eu-west-1"}"#))
        #expect(lines[10].hasSuffix(#","not_finite":null}"#))
    }

    @Test func everyTypedEventHelperTakesFields() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        logger.requestEnd(method: "GET", endpoint: "/", statusCode: 503, durationMS: 1.5, fields: .string("cause", "db"))
        logger.serviceCall(
            ServiceCall(targetService: "db", method: "GET", endpoint: "/q", durationMS: 3, statusCode: 200, success: true),
            fields: .int("rows", 12), .bool("cached", false), .string("shard", "b"))
        logger.event(.log, message: "three", fields: .int("a", 1), .int("b", 2), .int("c", 3))
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        try #require(events.count == 3)
        #expect(events[0].level == .error && events[0].attributes == ["cause": .string("db")])
        #expect(events[1].eventType == .serviceCall && events[1].attributes == ["rows": .int(12), "cached": .bool(false), "shard": .string("b")])
        #expect(events[2].message == "three" && events[2].attributes.count == 3)
    }

    @Test func keysAndValuesAreEscaped() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let key = "we\"ird\\key\n"
        let value = "quote \" backslash \\ newline \n tab \t bell \u{07} nul \u{0} é 日本 🎉"
        logger.event(.log, message: "m", fields: .string(key, value))
        logger.event(.log, level: .info, message: "m", metadata: [key: .string(value)])
        writer.flush()
        let lines = output.lines
        try #require(lines.count == 2)
        #expect(!lines[0].contains("\n") && lines[0].contains(#"we\"ird\\key\n"#))
        let event = try Event(jsonLine: lines[0])
        #expect(event.attributes[key] == .string(value))
        #expect(try stable(lines[0]) == stable(lines[1]))
    }

    @Test func secretTypedFieldsAreRedactedWhateverTheirType() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        for _ in 0..<3 {  // the first decides the verdict, the others read it back
            logger.event(
                .log, message: "login", fields: .string("db_password", "hunter2"), .string("X-Api-Key", "k-123"),
                .int("cardNumber", 4_111_111_111_111_111), .bool("session-id", true), .string("user", "ada"))
        }
        writer.flush()
        try #require(output.lines.count == 3)
        for line in output.lines {
            #expect(!line.contains("hunter2") && !line.contains("k-123") && !line.contains("4111111111111111"))
            let event = try Event(jsonLine: line)
            for key in ["db_password", "X-Api-Key", "cardNumber", "session-id"] {
                #expect(event.attributes[key] == .string("[REDACTED]"), "\(key)")
            }
            #expect(event.attributes["user"] == .string("ada"))
        }
    }

    @Test func verdictsFollowEachHandlersListOnASharedWriter() throws {
        let output = CapturingOutput()
        let writer = LineWriter(output: output)
        func logger(_ redaction: Redaction) -> Logger {
            let configuration = ServiceLogConfiguration(service: "s", host: "h", logLevel: .trace, redaction: redaction)
            return Logger(label: "t") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
        }
        let strict = logger(Redaction(words: ["region"]))
        let lax = logger(.none)
        let standard = logger(Redaction())
        for _ in 0..<2 {
            strict.event(.log, message: "m", fields: .string("region", "eu"), .string("token", "t1"))
            lax.event(.log, message: "m", fields: .string("region", "eu"), .string("token", "t1"))
            standard.event(.log, message: "m", fields: .string("region", "eu"), .string("token", "t1"))
            lax.info("m", metadata: ["token": "t1"])
            standard.info("m", metadata: ["token": "t1"])
        }
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        try #require(events.count == 10)
        for round in [0, 5] {
            #expect(events[round].attributes == ["region": .string("[REDACTED]"), "token": .string("t1")])
            #expect(events[round + 1].attributes == ["region": .string("eu"), "token": .string("t1")])
            #expect(events[round + 2].attributes == ["region": .string("eu"), "token": .string("[REDACTED]")])
            #expect(events[round + 3].attributes == ["token": .string("t1")])
            #expect(events[round + 4].attributes == ["token": .string("[REDACTED]")])
        }
    }

    @Test func manyDistinctKeysKeepTheirOwnVerdicts() throws {
        // More keys than the verdict cache has slots, made at run time (heap strings), logged twice.
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let keys = (0..<1_000).map { $0 % 7 == 0 ? "secret_\($0)_with_a_long_name" : "plain_\($0)_with_a_long_name" }
        for _ in 0..<2 {
            for key in keys { logger.event(.log, message: "m", fields: .string(key, "v")) }
        }
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        try #require(events.count == 2_000)
        for (index, event) in events.enumerated() {
            let key = keys[index % keys.count]
            #expect(event.attributes[key] == .string(key.hasPrefix("secret") ? "[REDACTED]" : "v"), "\(key)")
        }
    }

    @Test func reservedNamesAreMovedAsideAndLongValuesCut() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output) { $0.limits.maxStringBytes = 8 }
        logger.event(.log, message: "m", fields: .string("service", "spoofed"), .string("note", "0123456789abc"))
        writer.flush()
        let line = try #require(output.lines.first)
        let event = try Event(jsonLine: line)
        #expect(event.service == "test-service")
        #expect(event.attributes["metadata.service"] == .string("spoofed"))
        #expect(event.attributes["note"] == .string("01234567…[truncated 5 bytes]"))
        #expect(event.truncatedFields == ["note"])
    }

    @Test func anOverLongLineDropsTheFieldsAndSaysSo() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output) {
            $0.limits.maxLineBytes = 2_000
            $0.limits.maxStringBytes = 10_000
        }
        logger.event(.log, message: "big", fields: .string("blob", String(repeating: "x", count: 5_000)), .int("n", 1))
        writer.flush()
        let line = try #require(output.lines.first)
        #expect(line.utf8.count <= 2_000)
        let event = try Event(jsonLine: line)
        #expect(event.lineTruncated)
        #expect(event.attributes.isEmpty)
    }

    @Test func aKeyGivenTwiceIsWrittenOnceWithItsLastValue() throws {
        let output = CapturingOutput()
        var (logger, writer) = makeLogger(output: output)
        logger[metadataKey: "region"] = "from-logger"
        logger[metadataKey: "team"] = "payments"
        logger.event(.log, message: "m", fields: .string("region", "first"), .int("n", 1), .string("region", "last"))
        writer.flush()
        let line = try #require(output.lines.first)
        #expect(line.components(separatedBy: "\"region\"").count == 2)
        let event = try Event(jsonLine: line)
        #expect(event.attributes == ["region": .string("last"), "n": .int(1), "team": .string("payments")])
    }

    @Test func fieldsTravelAsMetadataThroughOtherHandlers() throws {
        let output = CapturingOutput()
        let (serviceLogger, writer) = makeLogger(output: output)
        let multiplexed = Logger(label: "m") { _ in MultiplexLogHandler([serviceLogger.handler]) }
        multiplexed.event(.requestStart(RequestStart(method: "GET", endpoint: "/")), fields: .string("region", "eu"), .int("n", 2))
        writer.flush()
        let event = try Event(jsonLine: try #require(output.lines.first))
        #expect(event.eventType == .requestStart)
        #expect(event.attributes == ["region": .string("eu"), "n": .int(2)])
    }

    @Test func belowTheLevelNothingIsEvaluatedOrWritten() {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output, level: .warning)
        var evaluated = false
        func payload() -> EventPayload {
            evaluated = true
            return .log
        }
        logger.event(payload(), fields: .int("n", 1))
        logger.event(payload(), fields: .int("n", 1), .int("m", 2))
        logger.event(payload(), fields: .int("n", 1), .int("m", 2), .int("o", 3))
        logger.requestStart(method: "GET", endpoint: "/", fields: .int("n", 1))
        writer.flush()
        #expect(!evaluated)
        #expect(output.lines.isEmpty)
    }

    @Test func thePreEncodedContextIsTheContextEncodedPerEvent() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output) { $0.includesEventID = false }
        let handler = try #require(logger.handler as? ServiceLogHandler)
        let root = CorrelationContext.newRoot(correlationID: "c-1")
        let child = root.childSpan()
        let long = CorrelationContext.newRoot(correlationID: String(repeating: "z", count: 500))
        let stamp = Timestamp(microsecondsSinceEpoch: 1_764_650_000_123_456)
        for context in [root, child, long] {
            context.withCurrent {
                handler.emit(level: .info, payload: .log, message: "m", metadata: nil, timestamp: stamp)  // current: pre-encoded
            }
            handler.emit(level: .info, payload: .log, message: "m", metadata: nil, timestamp: stamp, context: context)
        }
        writer.flush()
        let lines = output.lines
        try #require(lines.count == 6)
        for index in stride(from: 0, to: 6, by: 2) { #expect(lines[index] == lines[index + 1]) }
        #expect(try Event(jsonLine: lines[2]).parentSpanID == root.trace.spanID)
        // A cut correlation ID is named in field_truncated (the strict decoder rejects its long value).
        #expect(try foundationObject(lines[4])["field_truncated"] as? [String] == ["correlation_id"])
    }

    @Test func timestampsFromTheCachedSecondMatchTheFullEncoding() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let handler = try #require(logger.handler as? ServiceLogHandler)
        // Within a second, across seconds, back in time, across a day and a year, before 1970.
        let micros: [Int64] = [
            1_764_650_000_000_000, 1_764_650_000_999_999, 1_764_650_001_000_000, 1_764_650_000_500_000,
            1_767_225_599_999_999, 1_767_225_600_000_001, 0, -1, -1_000_000, -999_999, 951_782_400_000_007,
        ]
        for value in micros {
            handler.emit(level: .info, payload: .log, message: "m", metadata: nil, timestamp: Timestamp(microsecondsSinceEpoch: value))
        }
        writer.flush()
        let lines = output.lines
        try #require(lines.count == micros.count)
        for (line, value) in zip(lines, micros) {
            let expected = Timestamp(microsecondsSinceEpoch: value).description
            #expect(line.hasPrefix(#"{"timestamp":""# + expected + #"""#), "\(value): \(line.prefix(45))")
        }
    }
}
