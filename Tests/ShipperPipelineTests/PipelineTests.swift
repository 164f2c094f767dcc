import Foundation
import ServiceLog
import ShipperCore
import ShipperPipeline
import Synchronization
import Testing

@Suite("Pipeline", .serialized, .timeLimit(.minutes(1)))
struct PipelineTests {
    func checkpoint(_ directory: String) throws -> CheckpointFile.Contents {
        try CheckpointFile(path: directory + "/checkpoint.json").load()
    }

    func messages(_ records: [SourceRecord]) -> [String] {
        records.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func deliversEveryRecordExactlyOnceInOrder() throws {
        let dir = TemporaryDirectory("pipeline-order")
        defer { withExtendedLifetime(dir) {} }
        let other = StreamID("file:1:3:other")
        let feedA = RecordFeed(numberedRecords(20, prefix: "a"))
        let feedB = RecordFeed(numberedRecords(7, prefix: "b", stream: other))
        let sink = ScriptedSink.accepting()
        let pipeline = try Pipeline(
            configuration: testConfiguration(dir.path), sources: [feedA.factory(name: "a"), feedB.factory(name: "b")],
            sink: { sink }, logger: quietLogger())
        #expect(pipeline.recovery.pendingBatches == 0)
        pipeline.start()
        #expect(pipeline.isRunning)
        #expect(waitFor { sink.acknowledgedLines.count >= 27 })
        // Lines appended while the pipeline runs are picked up as well.
        let moreA = numberedRecords(53, prefix: "a").dropFirst(20)
        feedA.append(Array(moreA))
        #expect(waitFor { sink.acknowledgedLines.count >= 60 })
        pipeline.stop()
        #expect(pipeline.waitUntilFinished() == nil)
        #expect(!pipeline.isRunning)

        let delivered = sink.acknowledgedMessages
        #expect(delivered.count == 60)
        #expect(delivered.filter { $0.hasPrefix("a ") } == messages(feedA.snapshot))
        #expect(delivered.filter { $0.hasPrefix("b ") } == messages(feedB.snapshot))
        let events = try sink.acknowledgedLines.map { try Event(jsonLine: $0) }
        #expect(Set(events.compactMap(\.eventID)).count == 60)
        #expect(events.allSatisfy { $0.service == "test-service" && $0.host == "test-host" && $0.eventType == .log })

        let statistics = pipeline.metrics.statistics
        #expect(statistics.eventsRead == 60)
        #expect(statistics.eventsWrapped == 60)
        #expect(statistics.eventsShipped == 60)
        #expect(statistics.batchesShipped == sink.callCount)
        #expect(statistics.batchesSpooled == sink.callCount)
        #expect(statistics.deliveryRetries == 0)
        #expect(statistics.eventsDeadLettered.isEmpty)
        #expect(statistics.lastAcknowledged != nil)
        #expect(sink.allCalls.allSatisfy { $0.payload.contentEncoding == "gzip" && $0.payload.eventCount == $0.lines.count })
        #expect(sink.allCalls.allSatisfy { $0.lines.count <= 5 })

        // The checkpoint names the last position of each stream; nothing is dead-lettered.
        let saved = try checkpoint(dir.path)
        #expect(saved.checkpoint.positions == [testStream: feedA.snapshot.last!.position, other: feedB.snapshot.last!.position])
        #expect(saved.spool != nil)
        #expect(!listing(dir.path).contains("dead-letter.ndjson"))
        #expect(!listing(dir.path).contains("checkpoint.json.tmp"))

        // A restart finds nothing pending and resumes after the last records.
        let again = try Pipeline(
            configuration: testConfiguration(dir.path), sources: [], sink: { ScriptedSink.accepting() }, logger: quietLogger())
        #expect(again.recovery.pendingBatches == 0)
        #expect(again.recovery.resumePositions == saved.checkpoint.positions)
    }

    @Test func plainBodiesWhenCompressionIsOff() throws {
        let dir = TemporaryDirectory("pipeline-plain")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(12))
        let sink = ScriptedSink.accepting()
        _ = try runPipeline(testConfiguration(dir.path, compressionLevel: nil), feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 12
        }
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        #expect(sink.allCalls.allSatisfy { $0.payload.contentEncoding == nil && $0.payload.body.last == UInt8(ascii: "\n") })
    }

    @Test func retryableFailuresAreRetriedUntilAccepted() throws {
        let dir = TemporaryDirectory("pipeline-retry")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(23))
        let sink = ScriptedSink { index, _ in
            switch index {
            case 0, 1: .retryable(reason: "HTTP 503", retryAfter: nil)
            // A Retry-After of an hour is capped by maxRetryAfter (5 ms in the test configuration).
            case 2: .retryable(reason: "HTTP 429", retryAfter: .seconds(3600))
            default: .acknowledged(status: 200, response: #"{"accepted":5,"duplicates":0,"invalid":0}"#)
            }
        }
        let (pipeline, inTime) = try runPipeline(testConfiguration(dir.path), feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 23
        }
        #expect(inTime)
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        let statistics = pipeline.metrics.statistics
        #expect(statistics.deliveryRetries == 3)
        #expect(statistics.eventsShipped == 23)
        #expect(statistics.lastDeliveryError == nil)
        #expect(statistics.eventsDeadLettered.isEmpty)
        // The retried attempts carried the same batch as the one finally accepted.
        let calls = sink.allCalls
        #expect(calls.count >= 4)
        #expect(calls[0].lines == calls[3].lines)
        #expect(calls[1].lines == calls[3].lines)
        #expect(calls[2].lines == calls[3].lines)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test func tooLargeBatchesAreSplitUntilTheyFit() throws {
        let dir = TemporaryDirectory("pipeline-413")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(30))
        let sink = ScriptedSink { _, lines in
            lines.count > 4 ? .tooLarge(reason: "HTTP 413") : .acknowledged(status: 200, response: "{}")
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path, maxEvents: 10), feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 30
        }
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        #expect(sink.allCalls.contains { if case .tooLarge = $0.outcome { true } else { false } })
        #expect(sink.allCalls.allSatisfy { call in
            if case .acknowledged = call.outcome { call.lines.count <= 4 } else { call.lines.count > 4 }
        })
        // Split parts are gzip-compressed like whole batches.
        #expect(sink.allCalls.allSatisfy { $0.payload.contentEncoding == "gzip" })
        #expect(deadLetters(dir.path).isEmpty)
        #expect(pipeline.metrics.statistics.eventsDeadLettered.isEmpty)
        #expect(pipeline.metrics.statistics.eventsShipped == 30)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test func aLineTooLargeEvenAloneIsDeadLetteredAndTheRestDelivered() throws {
        let dir = TemporaryDirectory("pipeline-413-single")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(20))
        let sink = ScriptedSink { _, lines in
            if lines.count > 4 || lines.contains(where: { message(of: $0) == "line 7" }) {
                return .tooLarge(reason: "HTTP 413")
            }
            return .acknowledged(status: 200, response: "{}")
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path, maxEvents: 10), feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 19
        }
        #expect(sink.acknowledgedMessages == messages(feed.snapshot).filter { $0 != "line 7" })
        let letters = deadLetters(dir.path)
        #expect(letters.count == 1)
        #expect(letters.first.flatMap(deadLetteredMessage) == "line 7")
        #expect(letters.first?["status"] as? Int == 413)
        #expect(pipeline.metrics.statistics.eventsDeadLettered == ["http_413": 1])
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test func rejectedBatchIsDeadLetteredAndLaterBatchesDelivered() throws {
        let dir = TemporaryDirectory("pipeline-400")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(20))
        let sink = ScriptedSink { _, lines in
            lines.contains(where: { message(of: $0) == "line 3" })
                ? .rejected(status: 400, reason: "field 'x' is bad")
                : .acknowledged(status: 200, response: "{}")
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path), feed: feed, sink: sink) {
            sink.acknowledgedLines.count + deadLetters(dir.path).count >= 20
        }
        let rejected = sink.allCalls.filter { if case .rejected = $0.outcome { true } else { false } }
        #expect(rejected.count == 1, "a 400 is not retried")
        let rejectedMessages = rejected.first.map { $0.lines.map(message(of:)) } ?? []
        #expect(rejectedMessages.contains("line 3"))
        let letters = deadLetters(dir.path)
        #expect(letters.compactMap(deadLetteredMessage) == rejectedMessages)
        #expect(letters.allSatisfy { $0["status"] as? Int == 400 && ($0["reason"] as? String)?.contains("field 'x' is bad") == true })
        #expect(letters.allSatisfy { ($0["dead_lettered_at"] as? String).flatMap(Timestamp.init(rfc3339:)) != nil })
        // Everything else arrived, in order, and nothing was both delivered and dead-lettered.
        #expect(sink.acknowledgedMessages == messages(feed.snapshot).filter { !rejectedMessages.contains($0) })
        #expect(!sink.acknowledgedMessages.isEmpty)
        #expect(pipeline.metrics.statistics.eventsDeadLettered == ["http_400": rejectedMessages.count])
        #expect(pipeline.metrics.statistics.deliveryRetries == 0)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test(arguments: [401, 404])
    func misconfigurationIsRetriedNotDeadLettered(status: Int) throws {
        let dir = TemporaryDirectory("pipeline-401")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(12))
        let sink = ScriptedSink { index, _ in
            index < 6 ? .rejected(status: status, reason: "HTTP \(status)") : .acknowledged(status: 200, response: "{}")
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path), feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 12
        }
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        #expect(pipeline.metrics.statistics.deliveryRetries == 6)
        #expect(pipeline.metrics.statistics.eventsDeadLettered.isEmpty)
        #expect(!listing(dir.path).contains("dead-letter.ndjson"))
        // The refused attempts were the first batch, again and again.
        let calls = sink.allCalls
        #expect(calls.prefix(7).allSatisfy { $0.lines == calls[0].lines })
    }

    @Test func receiverNamedInvalidLineIsDeadLettered() throws {
        let dir = TemporaryDirectory("pipeline-invalid-line")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(3))
        let sink = ScriptedSink { _, _ in
            .acknowledged(status: 200, response: #"{"accepted":2,"duplicates":0,"invalid":1,"errors":["line 2: bad"]}"#)
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path, maxEvents: 3), feed: feed, sink: sink) {
            !deadLetters(dir.path).isEmpty && pipeline_checkpointExists(dir.path)
        }
        #expect(sink.callCount == 1)
        #expect(sink.allCalls.first?.lines.count == 3)
        let letters = deadLetters(dir.path)
        #expect(letters.count == 1)
        #expect(letters.first.flatMap(deadLetteredMessage) == "line 1")
        #expect(letters.first?["status"] as? Int == 200)
        #expect((letters.first?["reason"] as? String)?.contains("bad") == true)
        let statistics = pipeline.metrics.statistics
        #expect(statistics.eventsShipped == 2)
        #expect(statistics.eventsDeadLettered == ["http_200": 1])
        #expect(statistics.eventsDropped.isEmpty)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test func invalidLinesTheReceiverDidNotNameAreCountedAsDropped() throws {
        let dir = TemporaryDirectory("pipeline-invalid-unnamed")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(3))
        let sink = ScriptedSink { _, _ in
            .acknowledged(status: 200, response: #"{"accepted":1,"duplicates":0,"invalid":2,"errors":["line 3: bad","something else"]}"#)
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path, maxEvents: 3), feed: feed, sink: sink) {
            pipeline_checkpointExists(dir.path)
        }
        #expect(deadLetters(dir.path).compactMap(deadLetteredMessage) == ["line 2"])
        #expect(pipeline.metrics.statistics.eventsDropped == ["receiver_invalid": 1])
        #expect(pipeline.metrics.statistics.eventsShipped == 1)
    }

    @Test func everyLineNamedInInvalidLinesIsDeadLetteredWithAReason() throws {
        let dir = TemporaryDirectory("pipeline-invalid-ranges")
        defer { withExtendedLifetime(dir) {} }
        // The issue's probe: 50 invalid lines, reasons for only the first 10 (an older analyzer's limit).
        let feed = RecordFeed(numberedRecords(60))
        let reasons = (1...10).map { "\"line \($0): too long\"" }.joined(separator: ",")
        let sink = ScriptedSink { _, _ in
            .acknowledged(status: 200, response: #"{"accepted":10,"duplicates":0,"invalid":50,"invalid_lines":"1-50","errors":[\#(reasons)]}"#)
        }
        let (pipeline, _) = try runPipeline(testConfiguration(dir.path, maxEvents: 60), feed: feed, sink: sink) {
            deadLetters(dir.path).count >= 50 && pipeline_checkpointExists(dir.path)
        }
        let letters = deadLetters(dir.path)
        #expect(letters.compactMap(deadLetteredMessage) == (0..<50).map { "line \($0)" })
        #expect(letters.prefix(10).allSatisfy { ($0["reason"] as? String) == "receiver refused the line: too long" })
        // Past the reasons the receiver gave, the shipper says what it knows (its own decoder accepts them).
        #expect(letters.dropFirst(10).allSatisfy { ($0["reason"] as? String)?.hasPrefix("receiver refused the line: no reason given (the receiver described 10 of the batch's 50 invalid lines") == true })
        #expect(pipeline.metrics.statistics.eventsDropped.isEmpty)
        #expect(pipeline.metrics.statistics.eventsDeadLettered == ["http_200": 50])
    }

    @Test func stopWithAnUnreachableReceiverKeepsTheSpoolAndARestartDeliversIt() throws {
        let dir = TemporaryDirectory("pipeline-restart")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(20))
        // The first run: two batches are accepted, then the receiver goes away for good.
        let first = ScriptedSink { index, _ in
            index < 2 ? .acknowledged(status: 200, response: "{}") : .retryable(reason: "connection refused", retryAfter: nil)
        }
        let configuration = testConfiguration(dir.path, shutdownTimeout: .milliseconds(300))
        let pipeline = try Pipeline(configuration: configuration, sources: [feed.factory()], sink: { first }, logger: quietLogger())
        pipeline.start()
        #expect(waitFor { pipeline.metrics.statistics.batchesSpooled == 4 && first.callCount >= 5 })
        pipeline.stop()
        // Returns although the receiver never accepts: the drain gives up at shutdownTimeout.
        #expect(pipeline.waitUntilFinished() == nil)
        #expect(first.acknowledgedMessages == messages(Array(feed.snapshot.prefix(10))))
        #expect(pipeline.metrics.statistics.deliveryRetries >= 3)
        #expect(pipeline.metrics.statistics.eventsDeadLettered.isEmpty)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot[9].position)

        // The second run: the rest comes from the spool, not from the source, and nothing twice.
        let resumedAt = Mutex<Checkpoint?>(nil)
        let second = ScriptedSink.accepting()
        let restarted = try Pipeline(
            configuration: configuration, sources: [feed.factory(opened: { resume in resumedAt.withLock { $0 = resume } })],
            sink: { second }, logger: quietLogger())
        #expect(restarted.recovery.pendingBatches == 2)
        #expect(restarted.recovery.resumePositions == [testStream: feed.snapshot.last!.position])
        restarted.start()
        // The spool can be delivered before the source's thread has opened it: wait for both.
        #expect(waitFor { second.acknowledgedLines.count >= 10 && resumedAt.withLock { $0 } != nil })
        restarted.stop()
        #expect(restarted.waitUntilFinished() == nil)
        #expect(resumedAt.withLock { $0 } == Checkpoint(positions: [testStream: feed.snapshot.last!.position]))
        #expect(second.acknowledgedMessages == messages(Array(feed.snapshot.dropFirst(10))))
        #expect(first.acknowledgedMessages + second.acknowledgedMessages == messages(feed.snapshot))
        #expect(restarted.metrics.statistics.eventsRead == 0)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }

    @Test func aFullSpoolPausesReadingAndNothingIsLost() throws {
        let dir = TemporaryDirectory("pipeline-full")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(200))
        let accepting = CallState()
        let sink = ScriptedSink { _, _ in
            accepting.current == 1 ? .acknowledged(status: 200, response: "{}") : .retryable(reason: "HTTP 503", retryAfter: nil)
        }
        var configuration = testConfiguration(dir.path, compressionLevel: nil, spoolMaxBytes: 3000)
        configuration.readLimit = 10
        configuration.queueLimit = 10
        let pipeline = try Pipeline(configuration: configuration, sources: [feed.factory()], sink: { sink }, logger: quietLogger())
        pipeline.start()
        #expect(waitFor { sink.callCount >= 3 && pipeline.metrics.statistics.eventsRead >= 20 })
        // The full spool is reported while the receiver is away.
        #expect(waitFor { pipeline.metrics.statistics.spoolFull })
        #expect(pipeline.metrics.statistics.spoolBatches >= 1)
        #expect(pipeline.metrics.statistics.spoolBytes > 0)
        #expect(pipeline.metrics.statistics.lastDeliveryError == "HTTP 503")
        usleep(500_000)
        let readWhileFull = pipeline.metrics.statistics.eventsRead
        #expect(readWhileFull < 200, "reading must pause while the spool is full")
        #expect(pipeline.metrics.statistics.batchesSpooled < 40)

        accepting.set(1)
        #expect(waitFor { sink.acknowledgedLines.count >= 200 })
        #expect(waitFor {
            let statistics = pipeline.metrics.statistics
            return !statistics.spoolFull && statistics.spoolBatches == 0 && statistics.spoolBytes == 0
        })
        #expect(pipeline.metrics.statistics.lastDeliveryError == nil)
        pipeline.stop()
        pipeline.waitUntilFinished()
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        #expect(pipeline.metrics.statistics.eventsRead == 200)
        #expect(try checkpoint(dir.path).checkpoint[testStream] == feed.snapshot.last!.position)
    }
}

extension PipelineTests {
    @Test func exhaustedRetriesAreDeadLetteredWhenMaxRetriesIsSet() throws {
        let dir = TemporaryDirectory("pipeline-max-retries")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(10))
        let sink = ScriptedSink { _, lines in
            lines.contains(where: { message(of: $0) == "line 0" })
                ? .retryable(reason: "HTTP 502", retryAfter: nil) : .acknowledged(status: 200, response: "{}")
        }
        var configuration = testConfiguration(dir.path)
        configuration.maxRetries = 2
        let (pipeline, _) = try runPipeline(configuration, feed: feed, sink: sink) {
            sink.acknowledgedLines.count >= 5
        }
        let failed = sink.allCalls.filter { if case .retryable = $0.outcome { true } else { false } }
        #expect(failed.count == 3, "the first attempt and two retries")
        let letters = deadLetters(dir.path)
        #expect(letters.compactMap(deadLetteredMessage) == ["line 0", "line 1", "line 2", "line 3", "line 4"])
        #expect(letters.allSatisfy { $0["status"] == nil && ($0["reason"] as? String)?.contains("HTTP 502") == true })
        #expect(sink.acknowledgedMessages == ["line 5", "line 6", "line 7", "line 8", "line 9"])
        #expect(pipeline.metrics.statistics.deliveryRetries == 2)
        #expect(pipeline.metrics.statistics.eventsDeadLettered == ["retries_exhausted": 5])
    }

    @Test func stopWhileTheSpoolIsFullThenARestartDeliversEverythingOnce() throws {
        let dir = TemporaryDirectory("pipeline-full-restart")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(120))
        var configuration = testConfiguration(dir.path, compressionLevel: nil, shutdownTimeout: .milliseconds(300), spoolMaxBytes: 3000)
        configuration.readLimit = 10
        configuration.queueLimit = 10
        let refusing = ScriptedSink { _, _ in .retryable(reason: "HTTP 503", retryAfter: nil) }
        let first = try Pipeline(configuration: configuration, sources: [feed.factory()], sink: { refusing }, logger: quietLogger())
        first.start()
        #expect(waitFor { refusing.callCount >= 3 && first.metrics.statistics.eventsRead >= 20 })
        usleep(200_000)
        first.stop()
        #expect(first.waitUntilFinished() == nil)
        let spooled = first.metrics.statistics.batchesSpooled
        #expect(spooled >= 1)
        #expect(first.metrics.statistics.eventsRead < 120)

        let accepting = ScriptedSink.accepting()
        let second = try Pipeline(configuration: configuration, sources: [feed.factory()], sink: { accepting }, logger: quietLogger())
        #expect(second.recovery.pendingBatches == spooled)
        second.start()
        #expect(waitFor { accepting.acknowledgedLines.count >= 120 })
        second.stop()
        second.waitUntilFinished()
        #expect(accepting.acknowledgedMessages == messages(feed.snapshot))
    }

    @Test func aFailingSourceIsReopenedWhereItLeftOff() throws {
        let dir = TemporaryDirectory("pipeline-source-failure")
        defer { withExtendedLifetime(dir) {} }
        let feed = RecordFeed(numberedRecords(8))
        let opened = Mutex<[Checkpoint]>([])
        let sink = ScriptedSink.accepting()
        var configuration = testConfiguration(dir.path)
        configuration.readLimit = 3
        let pipeline = try Pipeline(
            configuration: configuration,
            sources: [feed.factory(failingOnRead: 2, opened: { resume in opened.withLock { $0.append(resume) } })],
            sink: { sink }, logger: quietLogger())
        pipeline.start()
        #expect(waitFor { sink.acknowledgedLines.count >= 8 })
        pipeline.stop()
        pipeline.waitUntilFinished()
        #expect(sink.acknowledgedMessages == messages(feed.snapshot))
        let opens = opened.withLock { $0 }
        #expect(opens.count == 2)
        #expect(opens.first == Checkpoint())
        // The first source handed off three records before failing: the new one starts after them.
        #expect(opens.last == Checkpoint(positions: [testStream: feed.snapshot[2].position]))
    }
}

func pipeline_checkpointExists(_ directory: String) -> Bool {
    (try? CheckpointFile(path: directory + "/checkpoint.json").load().spool) != nil
}
