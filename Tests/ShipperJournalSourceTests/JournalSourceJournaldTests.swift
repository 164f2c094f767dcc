import Foundation
import ServiceLog
import ShipperCore
import ShipperJournalSource
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The journal source against the real journald: entries go in with `sd_journal_sendv` and come back
/// through `JournalSource`. Test functions are synchronous so that each source stays on one thread.
@Suite(
    .enabled(if: !TestJournald.skipRequested, "SERVICELOG_SKIP_JOURNALD=1: journald tests skipped"),
    .timeLimit(.minutes(1)))
struct JournalSourceJournaldTests {
    private func source(_ identifier: String, startAtEnd: Bool = false, maxMessageBytes: Int = JournalSourceConfiguration.defaultMaxMessageBytes, checkpoint: Checkpoint = Checkpoint()) throws -> JournalSource {
        try JournalSource(
            configuration: JournalSourceConfiguration(
                matches: ["SYSLOG_IDENTIFIER=\(identifier)"], startAtEnd: startAtEnd, maxMessageBytes: maxMessageBytes),
            resumeFrom: checkpoint)
    }

    @Test func readsMatchingEntriesInOrderWithTheirFields() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        let other = TestJournald.uniqueIdentifier()
        let before = Timestamp.now()
        // A canonical line, as a ServiceLog service writing through JournalOutput puts it in MESSAGE.
        let canonical = Event(
            timestamp: .now(), level: .warning, service: identifier, payload: .log, message: "canonical", eventID: "e-\(identifier)"
        ).jsonLine()
        // Not UTF-8, with a NUL and a newline: MESSAGE must come back byte for byte.
        let binary: [UInt8] = [0xFF, 0xFE, 0x00, 0x0A, 0x41, 0xC3]
        try TestJournald.send(identifier: identifier, message: "first", priority: 3)
        try TestJournald.send(identifier: other, message: "not mine")
        try TestJournald.send([("MESSAGE", binary), ("SYSLOG_IDENTIFIER", Array(identifier.utf8)), ("PRIORITY", Array("6".utf8))])
        try TestJournald.send([("SYSLOG_IDENTIFIER", Array(identifier.utf8)), ("NOTE", Array("an entry without MESSAGE".utf8))])
        try TestJournald.send(identifier: identifier, message: canonical, priority: 4)

        let source = try source(identifier)
        defer { source.close() }
        let records = try TestJournald.read(source, count: 3)
        try #require(records.count == 3, "expected 3 records for \(identifier), got \(records.count)")
        #expect(records.map(\.bytes) == [Array("first".utf8), binary, Array(canonical.utf8)])
        #expect(try Event(jsonLine: String(decoding: records[2].bytes, as: UTF8.self)).eventID == "e-\(identifier)")
        #expect(records.map(\.enrichment.priority) == [3, 6, 4])

        var hostname = [CChar](repeating: 0, count: 256)
        gethostname(&hostname, hostname.count)
        let comm = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let after = Timestamp.now()
        for record in records {
            #expect(record.stream == .journal)
            #expect(record.position == .journal(cursor: record.origin))
            #expect(record.origin.hasPrefix("s="), "origin should be the cursor: \(record.origin)")
            #expect(record.originalLength == record.bytes.count && !record.isTruncated)
            let enrichment = record.enrichment
            let timestamp = try #require(enrichment.timestamp)
            #expect(timestamp >= before && timestamp <= after, "\(timestamp) not in [\(before), \(after)]")
            #expect(enrichment.host == String(decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            #expect(enrichment.service == identifier)
            #expect(enrichment.origin == "journald")
            #expect(enrichment.attributes["syslog_identifier"] == identifier)
            #expect(enrichment.attributes["pid"] == String(getpid()))
            #expect(enrichment.attributes["comm"] == comm)
            #expect(enrichment.attributes["transport"] == "journal")
        }
        #expect(Set(records.map(\.origin)).count == 3)
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.enrichment.timestamp! <= $1.enrichment.timestamp! })
        // The entry without MESSAGE sits between records 2 and 3, so it has been visited and counted.
        let statistics = source.statistics
        #expect(statistics.skipped == ["no_message": 1])
        #expect(statistics.records == 3)
        #expect(statistics.bytes == records.reduce(0) { $0 + $1.bytes.count })
        #expect(statistics.openStreams == 1)
        #expect(source.takeNotices().isEmpty)
    }

    @Test func waitsWhenIdleAndFollowsNewEntries() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        let source = try source(identifier)
        defer { source.close() }

        // Idle: the read waits out its timeout, even though other tests keep waking sd_journal_wait with
        // their entries, and sleeps meanwhile. Both bounds are one-sided: a busy loop would burn about
        // the whole 800 ms of CPU time; a correct wait uses a few milliseconds.
        let start = ContinuousClock.now
        let cpuBefore = Self.threadCPUTime()
        let idle = try source.read(limit: 10, timeout: .milliseconds(800))
        let cpuUsed = Self.threadCPUTime() - cpuBefore
        #expect(idle.isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(800), "read returned before its timeout")
        #expect(cpuUsed < .milliseconds(400), "an idle read used \(cpuUsed) of CPU: busy loop?")

        // An entry written while the read is blocked arrives through sd_journal_wait.
        let writer = Thread {
            usleep(300_000)
            try? TestJournald.send(identifier: identifier, message: "written while waiting")
        }
        writer.start()
        let records = try TestJournald.read(source, count: 1)
        #expect(TestJournald.messages(records) == ["written while waiting"])
    }

    @Test func resumesExactlyAfterTheCheckpoint() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        for index in 0..<5 { try TestJournald.send(identifier: identifier, message: "entry \(index)") }
        var checkpoint = Checkpoint()
        do {
            let source = try source(identifier)
            defer { source.close() }
            let records = try TestJournald.read(source, count: 5)
            #expect(TestJournald.messages(records) == (0..<5).map { "entry \($0)" })
            for record in records { checkpoint.advance(past: record) }
            #expect(checkpoint[.journal] == records.last?.position)
        }
        for index in 5..<10 { try TestJournald.send(identifier: identifier, message: "entry \(index)") }

        let resumed = try source(identifier, checkpoint: checkpoint)
        defer { resumed.close() }
        var records = try TestJournald.read(resumed, count: 5)
        // Anything beyond the five would be a duplicate; give it a moment to show up.
        records += try resumed.read(limit: 100, timeout: .milliseconds(300))
        #expect(TestJournald.messages(records) == (5..<10).map { "entry \($0)" })
        #expect(resumed.takeNotices().isEmpty)
        #expect(resumed.statistics.skipped.isEmpty)
    }

    @Test func aRestartAfterManyNonMatchingEntriesReadsNothingAgain() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        let noise = TestJournald.uniqueIdentifier("jsource-noise")
        for index in 0..<3 { try TestJournald.send(identifier: identifier, message: "wanted \(index)") }
        for index in 0..<300 { try TestJournald.send(identifier: noise, message: "noise \(index)") }
        try TestJournald.waitUntilStored(matches: ["SYSLOG_IDENTIFIER=\(noise)"], count: 300)

        var checkpoint = Checkpoint()
        do {
            let source = try source(identifier)
            defer { source.close() }
            let records = try TestJournald.read(source, count: 3)
            #expect(TestJournald.messages(records) == ["wanted 0", "wanted 1", "wanted 2"])
            // Nothing after them matches: the position stays the last returned entry.
            #expect(try source.read(limit: 100, timeout: .milliseconds(300)).isEmpty)
            for record in records { checkpoint.advance(past: record) }
        }

        let restarted = try source(identifier, checkpoint: checkpoint)
        defer { restarted.close() }
        #expect(try restarted.read(limit: 100, timeout: .milliseconds(500)).isEmpty)
        try TestJournald.send(identifier: identifier, message: "wanted 3")
        var records = try TestJournald.read(restarted, count: 1)
        records += try restarted.read(limit: 100, timeout: .milliseconds(300))
        #expect(TestJournald.messages(records) == ["wanted 3"])
        #expect(restarted.statistics.skipped.isEmpty)
    }

    @Test func aTwoMebibyteMessageIsCutToTheLimit() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        // Numbered segments: a cut anywhere but at the limit, or a reordered chunk, changes the bytes.
        let size = 2 << 20
        var big: [UInt8] = []
        big.reserveCapacity(size + 32)
        var index = 0
        while big.count < size {
            big += Array("segment \(index) ".utf8)
            index += 1
        }
        big.removeLast(big.count - size)
        try TestJournald.send([("MESSAGE", big), ("SYSLOG_IDENTIFIER", Array(identifier.utf8))])

        let cut = try source(identifier)
        defer { cut.close() }
        let record = try #require(try TestJournald.read(cut, count: 1).first, "the 2 MiB entry did not arrive")
        #expect(record.bytes.count == 1 << 20)
        #expect(record.bytes == Array(big.prefix(1 << 20)))
        #expect(record.originalLength == size)
        #expect(record.isTruncated)
        #expect(cut.statistics.truncatedLines == 1)
        #expect(cut.statistics.bytes == size)

        // With a larger limit the whole message comes back, byte for byte.
        let whole = try source(identifier, maxMessageBytes: 4 << 20)
        defer { whole.close() }
        let full = try #require(try TestJournald.read(whole, count: 1).first)
        #expect(full.bytes == big)
        #expect(full.originalLength == size && !full.isTruncated)
        #expect(whole.statistics.truncatedLines == 0)
    }

    @Test func startAtEndReadsOnlyNewEntries() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        for index in 0..<2 { try TestJournald.send(identifier: identifier, message: "old \(index)") }
        try TestJournald.waitUntilStored(matches: ["SYSLOG_IDENTIFIER=\(identifier)"], count: 2)

        let source = try source(identifier, startAtEnd: true)
        defer { source.close() }
        #expect(try source.read(limit: 10, timeout: .milliseconds(300)).isEmpty)
        try TestJournald.send(identifier: identifier, message: "new")
        var records = try TestJournald.read(source, count: 1)
        records += try source.read(limit: 10, timeout: .milliseconds(300))
        #expect(TestJournald.messages(records) == ["new"])

        // No matching entry at all yet: the first one written afterwards is not missed.
        let fresh = TestJournald.uniqueIdentifier()
        let empty = try self.source(fresh, startAtEnd: true)
        defer { empty.close() }
        #expect(try empty.read(limit: 10, timeout: .milliseconds(200)).isEmpty)
        try TestJournald.send(identifier: fresh, message: "first ever")
        #expect(TestJournald.messages(try TestJournald.read(empty, count: 1)) == ["first ever"])
    }

    @Test func readsAfterCloseReturnNothing() throws {
        try TestJournald.requireRunning()
        let identifier = TestJournald.uniqueIdentifier()
        for index in 0..<2 { try TestJournald.send(identifier: identifier, message: "entry \(index)") }
        try TestJournald.waitUntilStored(matches: ["SYSLOG_IDENTIFIER=\(identifier)"], count: 2)

        let source = try source(identifier)
        #expect(source.statistics.openStreams == 1)
        source.close()
        #expect(try source.read(limit: 10, timeout: .milliseconds(100)).isEmpty, "the two stored entries were read after close")
        #expect(source.statistics.openStreams == 0)
        source.close()
        #expect(try source.read(limit: 10, timeout: .zero).isEmpty)
    }

    /// CPU time the calling thread has used.
    private static func threadCPUTime() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}
