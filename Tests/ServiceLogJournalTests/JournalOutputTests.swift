import Foundation
import Logging
import ServiceLog
import Testing

@testable import ServiceLogJournal

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests against a real journald: lines go in through `sd_journal_sendv` and come back out
/// through `journalctl`.
@Suite(
    .enabled(if: !Journald.skipRequested, "SERVICELOG_SKIP_JOURNALD=1: journald tests skipped"),
    .timeLimit(.minutes(1)))
struct JournalOutputJournaldTests {
    @Test func eventsArriveWithTypedFieldsAndPriorities() async throws {
        try Journald.requireRunning()
        let service = Journald.uniqueIdentifier()
        let configuration = ServiceLogConfiguration(service: service)
        let writer = ServiceLog.makeWriter(configuration: configuration, output: JournalOutput())
        defer { writer.shutdown() }
        let handler = ServiceLogHandler(label: "journal-test", configuration: configuration, writer: writer)
        let logger = Logger(label: "journal-test", factory: { _ in handler })

        let context = CorrelationContext.newRoot()
        context.withCurrent {
            logger.info("order placed", metadata: ["order_id": "o-42", "items": "3"])
            logger.requestEnd(method: "POST", endpoint: "/orders", statusCode: 201, durationMS: 12.5)
            logger.requestEnd(method: "GET", endpoint: "/orders/:id", statusCode: 503, durationMS: 0.25)
        }
        writer.flush()

        let entries = try await Journald.entries(identifier: service, atLeast: 3)
        try #require(entries.count == 3, "expected 3 entries for SYSLOG_IDENTIFIER=\(service), got \(entries.count)")
        let traceID = context.trace.traceID.description
        let spanID = context.trace.spanID.description

        // Every entry: MESSAGE is the canonical line, and the exported fields agree with it.
        for entry in entries {
            let message = try #require(entry["MESSAGE"])
            let event = try Event(jsonLine: message)
            #expect(event.service == service)
            #expect(entry["SERVICE"] == service)
            #expect(entry["SYSLOG_IDENTIFIER"] == service)
            #expect(entry["EVENT_TYPE"] == event.eventType.rawValue)
            #expect(entry["EVENT_ID"] == event.eventID)
            #expect(entry["EVENT_ID"] != nil)
            #expect(entry["LEVEL"] == event.level.rawValue)
            #expect(entry["TIMESTAMP"] == event.timestamp.description)
            #expect(entry["HOST"] == event.host)
            #expect(entry["TRACE_ID"] == traceID)
            #expect(event.traceID?.description == traceID)
            #expect(entry["SPAN_ID"] == spanID)
            #expect(entry["TRACE_FLAGS"] == "01")
            #expect(entry["CORRELATION_ID"] == context.correlationID)
            #expect(event.correlationID == context.correlationID)
            #expect(entry["PRIORITY"] == String(JournalOutput.syslogPriority(of: event.level)))
            // Free-form metadata stays inside MESSAGE only.
            #expect(entry["ORDER_ID"] == nil)
            #expect(entry["ITEMS"] == nil)
        }

        let log = try #require(entries.first { $0["EVENT_TYPE"] == "log" })
        let logEvent = try Event(jsonLine: try #require(log["MESSAGE"]))
        #expect(logEvent.message == "order placed")
        #expect(logEvent.attributes["order_id"] == .string("o-42"))
        #expect(log["PRIORITY"] == "6")

        let ends = entries.filter { $0["EVENT_TYPE"] == "request_end" }
        let ok = try #require(ends.first { $0["STATUS_CODE"] == "201" })
        #expect(ok["METHOD"] == "POST")
        #expect(ok["ENDPOINT"] == "/orders")
        #expect(ok["DURATION_MS"] == "12.500")
        #expect(ok["SUCCESS"] == "true")
        #expect(ok["PRIORITY"] == "6")

        let failed = try #require(ends.first { $0["STATUS_CODE"] == "503" })
        #expect(failed["LEVEL"] == "error")
        #expect(failed["PRIORITY"] == "3")
        #expect(failed["SUCCESS"] == "false")
        #expect(failed["ENDPOINT"] == "/orders/:id")
        #expect(failed["DURATION_MS"] == "0.250")
    }

    @Test func a200KilobyteMessageArrivesIntact() async throws {
        try Journald.requireRunning()
        let service = Journald.uniqueIdentifier()
        // The default 32 KiB string limit would cut the message before it reaches the output.
        let configuration = ServiceLogConfiguration(
            service: service, limits: EncodingLimits(maxStringBytes: 512 * 1024, maxLineBytes: 1 << 20))
        let writer = ServiceLog.makeWriter(configuration: configuration, output: JournalOutput())
        defer { writer.shutdown() }
        let handler = ServiceLogHandler(label: "journal-test", configuration: configuration, writer: writer)
        let logger = Logger(label: "journal-test", factory: { _ in handler })

        // Numbered segments plus some multi-byte characters: a lost, repeated or reordered datagram
        // fragment, or a cut in the middle of a character, would change the text.
        var big = ""
        var index = 0
        while big.utf8.count < 200 * 1024 {
            big += "segment \(index) é→𝄞 "
            index += 1
        }
        logger.warning("\(big)")
        writer.flush()

        let entries = try await Journald.entries(identifier: service, atLeast: 1)
        let entry = try #require(entries.first, "the 200 KB entry did not arrive")
        #expect(entries.count == 1)
        let message = try #require(entry["MESSAGE"], "MESSAGE missing (journalctl printed it as null?)")
        #expect(message.utf8.count > 200 * 1024)
        let event = try Event(jsonLine: message)
        #expect(event.message == big)
        #expect(!event.lineTruncated && event.truncatedFields.isEmpty)
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["EVENT_TYPE"] == "log")
    }

    @Test func aBurstOfEventsArrivesCompletely() async throws {
        try Journald.requireRunning()
        let service = Journald.uniqueIdentifier("journal-test-burst")
        let configuration = ServiceLogConfiguration(service: service)
        let writer = ServiceLog.makeWriter(configuration: configuration, output: JournalOutput())
        defer { writer.shutdown() }
        let handler = ServiceLogHandler(label: "journal-test", configuration: configuration, writer: writer)
        let logger = Logger(label: "journal-test", factory: { _ in handler })
        // Many lines per chunk: every one must become its own entry, none merged or dropped.
        let count = 2000
        for index in 0..<count { logger.info("burst \(index)") }
        writer.flush()

        let entries = try await Journald.entries(identifier: service, atLeast: count)
        #expect(entries.count == count)
        let messages = Set(entries.compactMap { entry in entry["MESSAGE"].flatMap { try? Event(jsonLine: $0).message } })
        #expect(messages == Set((0..<count).map { "burst \($0)" }))
    }

    @Test func aNonCanonicalLineArrivesAsItsOwnMessage() async throws {
        try Journald.requireRunning()
        let identifier = Journald.uniqueIdentifier("journal-test-raw")
        let output = JournalOutput(identifier: identifier)
        let plain = "plain text, not an event: \(identifier) {\"broken\": "
        let canonical = Event(
            timestamp: .now(), level: .notice, service: "some-other-service", payload: .log, message: "canonical",
            eventID: "e-\(identifier)"
        ).jsonLine()
        // One chunk, two lines plus an empty one, as a LineWriter would hand them over.
        var chunk = plain + "\n\n" + canonical + "\n"
        try chunk.withUTF8 { try output.write(UnsafeRawBufferPointer($0)) }
        try output.flush()

        let entries = try await Journald.entries(identifier: identifier, atLeast: 2)
        #expect(entries.count == 2)
        let raw = try #require(entries.first { $0["MESSAGE"] == plain }, "the non-canonical line did not arrive as MESSAGE")
        #expect(raw["PRIORITY"] == "6")
        #expect(raw["EVENT_TYPE"] == nil)
        #expect(raw["SERVICE"] == nil)

        let event = try #require(entries.first { $0["MESSAGE"] == canonical })
        #expect(event["PRIORITY"] == "5")
        #expect(event["SERVICE"] == "some-other-service")
        #expect(event["SYSLOG_IDENTIFIER"] == identifier)
        #expect(event["EVENT_ID"] == "e-\(identifier)")
    }
}

/// Tests of the mapping that need no journald.
struct JournalOutputMappingTests {
    @Test func everyFieldNameIsAValidJournalFieldName() {
        var seen = Set<String>()
        for field in JournalField.all {
            let text = field.description
            #expect(text.hasSuffix("="), "\(text)")
            let name = Array(text.utf8.dropLast())
            #expect(!name.isEmpty && name.count <= 64, "\(text)")
            #expect(name.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }, "\(text)")
            #expect(name.first != 0x5F && !(name.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true), "\(text)")
            #expect(seen.insert(text).inserted, "duplicate \(text)")
        }
        // The typed fields are the canonical names uppercased, without a prefix.
        for name in FieldName.reserved where name != FieldName.message {
            #expect(seen.contains(name.uppercased() + "="), "canonical field \(name) is not exported")
        }
    }

    @Test func prioritiesFollowSyslog() {
        let expected: [(Logger.Level, Int)] = [
            (.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
        ]
        for (level, priority) in expected {
            #expect(JournalOutput.syslogPriority(of: level) == priority, "\(level)")
        }
    }

    @Test func errnoClassification() {
        for code in [EAGAIN, ENOBUFS, ENOMEM, ENOSPC, ECONNREFUSED] {
            #expect(JournalOutput.outputError(returnCode: -code).isRetryable, "\(code)")
        }
        for code in [EINVAL, EPERM, EMSGSIZE, EBADF] {
            #expect(!JournalOutput.outputError(returnCode: -code).isRetryable, "\(code)")
        }
        #expect(JournalOutput.outputError(returnCode: -ENOSPC).message.hasPrefix("sd_journal_sendv: "))
    }

    @Test func allTypedFieldsOfEachPayloadAreExported() throws {
        let output = JournalOutput(identifier: nil, maxFieldBytes: 64)
        let context = CorrelationContext.newRoot().childSpan()
        let longStack = String(repeating: "é", count: 100)  // 200 bytes, cut at a character boundary
        let events: [Event] = [
            Event(
                timestamp: .now(), level: .debug, service: "svc", payload: .requestStart(RequestStart(method: "GET", endpoint: "/a", userID: "u1")),
                eventID: "e1", host: "h", instance: "i", source: "s", correlationID: context.correlationID,
                traceID: context.trace.traceID, spanID: context.trace.spanID, parentSpanID: context.parentSpanID, traceFlags: 1,
                attributes: ["custom": .string("x")]),
            Event(
                timestamp: .now(), level: .warning, service: "svc",
                payload: .serviceCall(ServiceCall(targetService: "t", method: "POST", endpoint: "/b", durationMS: 1.5, statusCode: 0, success: false, error: "timeout", attempt: 2))),
            Event(timestamp: .now(), level: .critical, service: "svc", payload: .error(ErrorDetails(errorType: "E", stack: longStack)), message: "boom"),
            Event(
                timestamp: .now(), level: .info, service: "svc",
                payload: .resource(ResourceSample(memoryMB: 12.5, cpuPercent: 3, threads: 4, openFDs: 5, gauges: ["queue_depth": 7]))),
        ]
        var fields: [[String: String]] = []
        var entry = JournalEntry(maxValueBytes: output.maxFieldBytes)
        for event in events {
            var line = event.jsonLine()
            line.withUTF8 { output.fill(&entry, line: UnsafeRawBufferPointer($0)) }
            var map: [String: String] = [:]
            for field in entry.fieldStrings {
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                #expect(map[String(parts[0])] == nil, "field \(parts[0]) sent twice")
                map[String(parts[0])] = String(parts[1])
            }
            #expect(map["MESSAGE"] == line)
            fields.append(map)
        }
        let start = fields[0]
        #expect(start["PRIORITY"] == "7")
        #expect(start["SYSLOG_IDENTIFIER"] == "svc")
        #expect(start["METHOD"] == "GET" && start["ENDPOINT"] == "/a" && start["USER_ID"] == "u1")
        #expect(start["HOST"] == "h" && start["INSTANCE"] == "i" && start["SOURCE"] == "s")
        #expect(start["TRACE_ID"] == context.trace.traceID.description)
        #expect(start["SPAN_ID"] == context.trace.spanID.description)
        #expect(start["PARENT_SPAN_ID"] == context.parentSpanID?.description)
        #expect(start["TRACE_FLAGS"] == "01")
        #expect(start["CUSTOM"] == nil)

        let call = fields[1]
        #expect(call["TARGET_SERVICE"] == "t" && call["STATUS_CODE"] == "0" && call["DURATION_MS"] == "1.500")
        #expect(call["SUCCESS"] == "false" && call["ERROR"] == "timeout" && call["ATTEMPT"] == "2")
        #expect(call["PRIORITY"] == "4")

        let error = fields[2]
        #expect(error["PRIORITY"] == "2" && error["ERROR_TYPE"] == "E")
        #expect(error["STACK"] == String(repeating: "é", count: 32), "cut to 64 bytes = 32 two-byte characters")

        let resource = fields[3]
        #expect(resource["MEMORY_MB"] == "12.5" && resource["CPU_PERCENT"] == "3.0")
        #expect(resource["THREADS"] == "4" && resource["OPEN_FDS"] == "5")
        #expect(resource["QUEUE_DEPTH"] == nil)
    }

    @Test func anUnparsableLineGetsOnlyMessageAndPriority() {
        let output = JournalOutput()
        var entry = JournalEntry(maxValueBytes: 4096)
        var line = "{\"timestamp\": 1}"
        line.withUTF8 { output.fill(&entry, line: UnsafeRawBufferPointer($0)) }
        // No SYSLOG_IDENTIFIER: libsystemd then adds the program's name itself.
        #expect(entry.fieldStrings == ["MESSAGE={\"timestamp\": 1}", "PRIORITY=6"])
    }
}
