import Foundation
import Logging
import ServiceLog
import Synchronization
import Testing

/// An output whose first write stops part-way through with a retryable error (a disk filling up).
final class ShortWriteOutput: LogOutput {
    let received = Mutex<[UInt8]>([])
    let failedOnce = Mutex(false)

    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        let fail = failedOnce.withLock { failed -> Bool in
            defer { failed = true }
            return !failed
        }
        if fail {
            let partial = min(10, lines.count)
            received.withLock { $0.append(contentsOf: lines[0..<partial]) }
            throw LogOutputError(message: "write: No space left on device", isRetryable: true, bytesWritten: partial)
        }
        received.withLock { $0.append(contentsOf: lines) }
    }
}

@Suite struct RobustnessTests {
    @Test func aShortWriteThenAnErrorNeitherDuplicatesNorSplitsLines() throws {
        let output = ShortWriteOutput()
        let (logger, writer) = makeLogger(output: output)
        for index in 0..<50 { logger.info("line \(index)") }
        writer.flush()
        let text = output.received.withLock { String(decoding: $0, as: UTF8.self) }
        let lines = text.split(separator: "\n")
        #expect(lines.count == 50)
        let messages = try lines.map { try Event(jsonLine: String($0)).message ?? "" }
        #expect(messages == (0..<50).map { "line \($0)" })
    }

    @Test func rotationSurvivesTheLiveFileBeingDeleted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("svc.log").path
        let output = try RotatingFileOutput(path: path, maxBytes: 2_000, maxFiles: 3)
        let (logger, writer) = makeLogger(output: output)
        for index in 0..<10 { logger.info("before \(index)"); writer.flush() }
        try FileManager.default.removeItem(atPath: path)
        for index in 0..<40 { logger.info("after \(index)"); writer.flush() }
        #expect(writer.unreportedLosses == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var after: [String] = []
        for name in names {
            let content = try String(contentsOfFile: directory.appendingPathComponent(name).path, encoding: .utf8)
            after += try content.split(separator: "\n").compactMap { try Event(jsonLine: String($0)).message }.filter { $0.hasPrefix("after") }
        }
        // The newest lines survive rotation (older ones rotate out after 3 files).
        #expect(after.contains("after 39"))
        #expect(Set(after).count == after.count)
    }

    @Test func flushReturnsWhileOtherThreadsKeepLogging() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let stop = Mutex(false)
        let producer = Thread {
            while !stop.withLock({ $0 }) { logger.info("noise") }
        }
        producer.start()
        defer { stop.withLock { $0 = true } }
        logger.info("marker")
        let done = Mutex(false)
        Thread { writer.flush(); done.withLock { $0 = true } }.start()
        for _ in 0..<200 where !done.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(done.withLock { $0 }, "flush() did not return within 10 s under continuous logging")
        #expect(output.text.contains("marker"))
    }

    @Test func aDescriptionThatLogsDoesNotDeadlock() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        struct Chatty: CustomStringConvertible, Sendable {
            let logger: Logger
            var description: String {
                logger.debug("describing")
                return "chatty"
            }
        }
        let finished = Mutex(false)
        Thread {
            logger.info("outer", metadata: ["value": .stringConvertible(Chatty(logger: logger))])
            finished.withLock { $0 = true }
        }.start()
        for _ in 0..<100 where !finished.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(finished.withLock { $0 })
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        #expect(events.contains { $0.attributes["value"] == .string("chatty") })
        #expect(events.contains { $0.message == "describing" })
    }

    @Test func aNestedDescriptionIsResolvedOutsideTheLockAndTheLineWrittenOnce() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        struct Chatty: CustomStringConvertible, Sendable {
            let logger: Logger
            var description: String {
                logger.debug("describing")  // would deadlock if run under the writer's lock
                return "chatty"
            }
        }
        let finished = Mutex(false)
        Thread {
            logger.info(
                "outer",
                metadata: [
                    "n": .stringConvertible(3), "list": .array([.stringConvertible(1.5), .dictionary(["deep": .stringConvertible(Chatty(logger: logger))])]),
                ])
            finished.withLock { $0 = true }
        }.start()
        for _ in 0..<100 where !finished.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(finished.withLock { $0 })
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        #expect(events.count == 2)
        let outer = try #require(events.first { $0.message == "outer" })
        #expect(outer.attributes["n"] == .int(3))
        #expect(outer.attributes["list"] == .array([.double(1.5), .object(["deep": .string("chatty")])]))
        #expect(events.filter { $0.message == "describing" }.count == 1)
    }

    @Test func redactionIgnoresCaseAndSeparators() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let keys = ["apiKey", "X-Api-Key", "card-number", "privateKey", "private-key", "passphrase", "session_id", "SessionId", "DB_PASSWORD"]
        logger.info("x", metadata: Dictionary(uniqueKeysWithValues: keys.map { ($0, Logger.MetadataValue.string("s3cr3t-\($0)")) }).merging(["region": "eu"]) { a, _ in a })
        writer.flush()
        #expect(!output.text.contains("s3cr3t"))
        #expect(try Event(jsonLine: output.lines[0]).attributes["region"] == .string("eu"))
    }

    @Test func aCallOutsideARequestHasNoPhantomParent() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        _ = try await withServiceCall(to: "db", method: "GET", endpoint: "/", logger: logger, statusCode: { (code: Int) in code }) { _ in 200 }
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.eventType == .serviceCall)
        #expect(event.parentSpanID == nil)
        #expect(event.traceID != nil && event.spanID != nil)
    }

    @Test func linesStayValidWithAnEmptyServiceNameOrNoMessage() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(service: "", output: output)
        logger.event(.log, level: .info)
        writer.flush()
        let event = try Event(jsonLine: output.lines[0])
        #expect(event.service == "unknown-service")
        #expect(event.message == "")
    }
}
