import Foundation
import ServiceLog
import ShipperCore
import ShipperPipeline
import Testing
import TestSupport

@Suite("CheckpointFile")
struct CheckpointFileTests {
    @Test func saveAndLoadRoundTrip() throws {
        let dir = TemporaryDirectory("checkpoint")
        defer { withExtendedLifetime(dir) {} }
        let file = CheckpointFile(path: dir.file("checkpoint.json"))
        let contents = CheckpointFile.Contents(
            checkpoint: Checkpoint(positions: [
                StreamID("file:2049:1837261:9f2c"): .file(path: "/var/log/app \"x\".log", offset: 123_456_789_012),
                .journal: .journal(cursor: "s=abc;i=1f;b=00;m=1;t=2;x=3"),
            ]),
            spool: SpoolCursor(segment: 7, offset: 4096))
        try file.save(contents)
        #expect(try file.load() == contents)

        // Saving again replaces it.
        var newer = contents
        newer.checkpoint[.journal] = .journal(cursor: "s=abc;i=20")
        newer.spool = SpoolCursor(segment: 8, offset: 0)
        try file.save(newer)
        #expect(try file.load() == newer)
        // No temporary file is left behind.
        #expect(listing(dir.path) == ["checkpoint.json"])
    }

    @Test func missingFileIsAnEmptyCheckpoint() throws {
        let dir = TemporaryDirectory("checkpoint-missing")
        defer { withExtendedLifetime(dir) {} }
        let loaded = try CheckpointFile(path: dir.file("checkpoint.json")).load()
        #expect(loaded.checkpoint.positions.isEmpty)
        #expect(loaded.spool == nil)
        #expect(loaded.version == 1)
        #expect(listing(dir.path).isEmpty)
    }

    @Test(arguments: ["this is not json", "", #"{"version":1,"checkpoint":{"positions":{"x":{"file":{"path":"/a"}}}}"#])
    func unreadableFileSaysHowToRecover(garbage: String) throws {
        let dir = TemporaryDirectory("checkpoint-garbage")
        defer { withExtendedLifetime(dir) {} }
        let path = dir.file("checkpoint.json")
        writeBytes(path, Array(garbage.utf8))
        do {
            _ = try CheckpointFile(path: path).load()
            Issue.record("loading garbage must throw")
        } catch {
            let description = "\(error)"
            #expect(error is CheckpointFileError)
            #expect(description.contains(path))
            #expect(description.contains("move it away"))
            #expect(description.contains("read again"))
        }
    }
}

@Suite("DeadLetterFile")
struct DeadLetterFileTests {
    @Test func linesCarryTimeStatusReasonAndTheOriginalEvent() throws {
        let dir = TemporaryDirectory("dead-letter")
        defer { withExtendedLifetime(dir) {} }
        let file = DeadLetterFile(path: dir.file("dead-letter.ndjson"))
        let first = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","message":"one","event_id":"e1","nested":{"k":[1,true,null]}}"#
        let second = #"{"timestamp":"2025-03-01T10:00:01Z","level":"error","service":"a","event_type":"log","message":"two \"quoted\"","event_id":"e2"}"#
        let when = Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000)
        try file.append(lines: [Array(first.utf8)[...], Array(second.utf8)[...]], status: 400, reason: "bad \"request\"\nline 2", at: when)
        try file.append(lines: [Array(first.utf8)[...]], status: nil, reason: "gave up")

        let lines = readLines(file.path)
        #expect(lines.count == 3)
        let entries = lines.map { jsonObject($0) }
        #expect(entries.allSatisfy { $0 != nil })
        let one = try #require(entries[0])
        #expect(one["status"] as? Int == 400)
        #expect(one["reason"] as? String == "bad \"request\"\nline 2")
        let stamp = try #require(one["dead_lettered_at"] as? String)
        #expect(Timestamp(rfc3339: stamp) == when)
        #expect(NSDictionary(dictionary: one["event"] as? [String: Any] ?? [:]).isEqual(to: jsonObject(first)!))
        let two = try #require(entries[1])
        #expect(NSDictionary(dictionary: two["event"] as? [String: Any] ?? [:]).isEqual(to: jsonObject(second)!))
        #expect(two["status"] as? Int == 400)
        let three = try #require(entries[2])
        #expect(three["status"] == nil)
        #expect(three["reason"] as? String == "gave up")
        #expect((three["dead_lettered_at"] as? String).flatMap(Timestamp.init(rfc3339:)) != nil)
        // `event` is the line exactly as sent (byte for byte), so replaying it is lossless.
        #expect(lines[0].hasSuffix(#","event":"# + first + "}"))
    }
}

/// Always the largest value: full jitter then gives the ceiling.
struct MaxGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 { .max }
}

@Suite("Backoff")
struct BackoffTests {
    @Test func delayStaysWithinTheCappedExponentialCeiling() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(5), maxRetryAfter: .seconds(60))
        var generator = SeededGenerator(seed: 42)
        for attempt in 0..<40 {
            let ceiling = min(Duration.seconds(5), .milliseconds(100) * (1 << min(attempt, 30)))
            var seen: [Duration] = []
            for _ in 0..<200 {
                let delay = backoff.delay(attempt: attempt, retryAfter: nil, using: &generator)
                #expect(delay >= .zero)
                #expect(delay <= ceiling, "attempt \(attempt): \(delay) over \(ceiling)")
                seen.append(delay)
            }
            // Jittered: not every wait is the same.
            #expect(Set(seen).count > 100)
        }
        var max = MaxGenerator()
        #expect(backoff.delay(attempt: 0, retryAfter: nil, using: &max) == .milliseconds(100))
        #expect(backoff.delay(attempt: 3, retryAfter: nil, using: &max) == .milliseconds(800))
        #expect(backoff.delay(attempt: 10, retryAfter: nil, using: &max) == .seconds(5))
        #expect(backoff.delay(attempt: 10_000, retryAfter: nil, using: &max) == .seconds(5))
    }

    @Test func retryAfterWinsWhenLongerAndIsCapped() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(1), maxRetryAfter: .seconds(30))
        var generator = SeededGenerator(seed: 7)
        for attempt in 0..<10 {
            #expect(backoff.delay(attempt: attempt, retryAfter: .seconds(12), using: &generator) == .seconds(12))
            #expect(backoff.delay(attempt: attempt, retryAfter: .seconds(3600), using: &generator) == .seconds(30))
            // A Retry-After shorter than the jitter does not shorten the wait.
            let short = backoff.delay(attempt: attempt, retryAfter: .milliseconds(1), using: &generator)
            #expect(short >= .milliseconds(1))
            #expect(short <= min(.seconds(1), .milliseconds(100) * (1 << attempt)))
        }
        var max = MaxGenerator()
        #expect(backoff.delay(attempt: 5, retryAfter: .milliseconds(10), using: &max) == .seconds(1))
    }
}

@Suite("PipelineStatistics")
struct PipelineStatisticsTests {
    @Test func checkpointLagIsZeroWhenNothingWaits() {
        var statistics = PipelineStatistics()
        let start = Timestamp(microsecondsSinceEpoch: 1_000_000_000)
        let now = Timestamp(microsecondsSinceEpoch: 1_000_000_000 + 90_500_000)
        #expect(statistics.checkpointLag(now: now, startedAt: start) == 0)
        statistics.spoolBatches = 3
        #expect(statistics.checkpointLag(now: now, startedAt: start) == 90.5)
        statistics.lastAcknowledged = Timestamp(microsecondsSinceEpoch: 1_000_000_000 + 80_000_000)
        #expect(statistics.checkpointLag(now: now, startedAt: start) == 10.5)
    }

    @Test func codableRoundTrip() throws {
        var statistics = PipelineStatistics()
        statistics.eventsRead = 12
        statistics.eventsDeadLettered = ["http_400": 2]
        statistics.lastAcknowledged = Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_001)
        statistics.failingSources = ["file": "permission denied"]
        let decoded = try JSONDecoder().decode(PipelineStatistics.self, from: JSONEncoder().encode(statistics))
        #expect(decoded == statistics)
    }
}
