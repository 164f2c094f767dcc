import Foundation
import Logging
import ServiceLog
import Synchronization
import Testing

@Suite struct ConcurrencyTests {
    /// 8 tasks x 10,000 events plus 4 threads x 2,000 events into one file: every line must parse, and
    /// every (writer, sequence) pair must appear exactly once.
    @Test func concurrentLoggingNeverTearsOrLosesALine() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.log").path
        let output = try RotatingFileOutput(path: path, maxBytes: 1 << 30)
        let (logger, writer) = makeLogger(output: output)
        let padding = String(repeating: "p", count: 300)  // long lines make tearing likelier
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    await CorrelationContext.newRoot(correlationID: "task-\(task)").withCurrent {
                        for sequence in 0..<10_000 {
                            logger.info("event", metadata: ["writer": "t\(task)", "seq": .stringConvertible(sequence), "pad": .string(padding)])
                        }
                    }
                }
            }
            await Task.detached {
                DispatchQueue.concurrentPerform(iterations: 4) { thread in
                    for sequence in 0..<2_000 {
                        logger.info("event", metadata: ["writer": "th\(thread)", "seq": .stringConvertible(sequence), "pad": .string(padding)])
                    }
                }
            }.value
        }
        writer.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 88_000)
        var seen = Set<String>()
        for line in lines {
            let event = try Event(jsonLine: String(line))
            guard case .string(let who) = event.attributes["writer"], case .int(let sequence) = event.attributes["seq"] else {
                Issue.record("missing fields in \(line.prefix(100))")
                continue
            }
            if who.hasPrefix("t") && !who.hasPrefix("th") { #expect(event.correlationID == "task-\(who.dropFirst())") }
            seen.insert("\(who)/\(sequence)")
        }
        #expect(seen.count == 88_000)
    }
}

/// An output that can be held shut, to simulate a stuck pipe, and counts what it received.
final class GatedOutput: LogOutput {
    let open = Mutex(false)
    let received = Mutex<[UInt8]>([])

    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        while !open.withLock({ $0 }) { usleep(1_000) }
        received.withLock { $0.append(contentsOf: lines) }
    }

    var lines: [String] { received.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init) }
}

@Suite struct BackPressureTests {
    @Test func dropPolicyCountsAndReportsTheLossInTheStream() throws {
        let output = GatedOutput()
        let configuration = ServiceLogConfiguration(service: "s")
        let writer = LineWriter(output: output, capacity: 4096, backPressure: .drop) { count, reason in
            Event(timestamp: .now(), level: .warning, service: "s", payload: .log, message: "lost \(count): \(reason)",
                  droppedEvents: count).jsonLine()
        }
        let logger = Logger(label: "t") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
        for index in 0..<2_000 { logger.info("event \(index)") }
        output.open.withLock { $0 = true }
        writer.flush()
        // The report comes with the next batch.
        logger.info("after")
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        let delivered = events.filter { $0.message?.hasPrefix("event ") == true }.count
        let reported = events.compactMap(\.droppedEvents).reduce(0, +)
        #expect(reported > 0)
        #expect(delivered + reported == 2_000)
        #expect(events.last?.message == "after")
    }

    @Test func blockPolicyLosesNothing() async throws {
        let output = GatedOutput()
        let configuration = ServiceLogConfiguration(service: "s")
        let writer = LineWriter(output: output, capacity: 4096, backPressure: .block)
        let logger = Logger(label: "t") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
        let producer = Task.detached {
            for index in 0..<2_000 { logger.info("event \(index)") }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(writer.acceptedLines < 2_000, "the producer should be blocked while the output is stuck")
        output.open.withLock { $0 = true }
        await producer.value
        writer.flush()
        #expect(output.lines.count == 2_000)
    }

    /// A producer lets the writer run after each batch's worth of bytes; that is no back-pressure:
    /// with the output stuck it still buffers up to the capacity, and every line arrives in order.
    @Test func yieldingAfterABatchIsNotBackPressure() throws {
        let output = GatedOutput()
        let writer = LineWriter(output: output, capacity: 8 << 20, backPressure: .drop)
        let line = Array(repeating: UInt8(ascii: "x"), count: 1_000)
        let count = 5_000  // ~5 MiB: the batch threshold (1 MiB) crossed several times, the capacity never
        for index in 0..<count {
            let prefix = Array("\(index) ".utf8)
            writer.append { buffer in
                prefix.withUnsafeBytes { buffer.append($0) }
                line.withUnsafeBytes { buffer.append($0) }
            }
        }
        #expect(writer.unreportedLosses == 0, "lines were dropped below the capacity")
        #expect(writer.acceptedLines == count)
        output.open.withLock { $0 = true }
        writer.flush()
        let received = output.lines
        #expect(received.count == count)
        #expect(received.enumerated().allSatisfy { $0.element.hasPrefix("\($0.offset) ") }, "lines out of order")
        writer.shutdown()
    }

    @Test func aDeadOutputIsReportedNotRetriedForever() throws {
        final class BrokenPipe: LogOutput {
            let calls = Mutex(0)
            func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
                calls.withLock { $0 += 1 }
                throw LogOutputError.errno(EPIPE, operation: "write to fd 1")
            }
        }
        let output = BrokenPipe()
        let reported = Mutex(0)
        let writer = LineWriter(output: output, capacity: 1 << 20, backPressure: .block) { count, _ in
            reported.withLock { $0 += count }
            return nil
        }
        for _ in 0..<10 { writer.append { $0.append(ascii: "{}") } }
        writer.flush()
        for _ in 0..<100 where reported.withLock({ $0 }) < 10 { usleep(10_000) }
        #expect(reported.withLock { $0 } == 10)
        // A permanent error is not retried: at most one call per batch.
        #expect(output.calls.withLock { $0 } <= 10)
        #expect(!LogOutputError.errno(EPIPE, operation: "w").isRetryable)
        #expect(LogOutputError.errno(ENOSPC, operation: "w").isRetryable)
    }
}
