import Foundation
import ShipperCore
import ShipperPipeline
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Records what a call made on another thread returned: 0 still running, 1 true, 2 false, 3 threw.
final class CallState: Sendable {
    let value = Atomic<Int>(0)
    var current: Int { value.load(ordering: .sequentiallyConsistent) }
    func set(_ new: Int) { value.store(new, ordering: .sequentiallyConsistent) }
}

/// Starts `append` of `batch` on a new thread.
func appendInBackground(_ spool: Spool, _ batch: SpoolBatch) -> CallState {
    let state = CallState()
    let thread = Thread {
        do {
            state.set(try spool.append(batch) ? 1 : 2)
        } catch {
            state.set(3)
        }
    }
    thread.start()
    return state
}

@Suite("Spool")
struct SpoolTests {
    let stream = StreamID("file:9:9:spool")
    let other = StreamID("file:9:9:other")

    /// A plain batch whose body is `size` bytes of a letter chosen by `index`, position `index`.
    func batch(_ index: Int, size: Int = 1500, stream: StreamID? = nil) -> SpoolBatch {
        let letter = UInt8(ascii: "a") + UInt8(index % 26)
        return SpoolBatch(
            eventCount: index + 1, contentEncoding: index.isMultiple(of: 2) ? "gzip" : nil,
            positions: [stream ?? self.stream: .file(path: "/log/\(index)", offset: UInt64(index))],
            body: [UInt8](repeating: letter, count: size), uncompressedBytes: size * 3)
    }

    func segments(_ directory: String) -> [String] {
        listing(directory).filter { $0.hasPrefix("segment-") && $0.hasSuffix(".spool") }
    }

    func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    /// Reads every batch available now, in order.
    func readAll(_ spool: Spool, after start: SpoolCursor? = nil) throws -> [SpooledBatch] {
        var result: [SpooledBatch] = []
        var previous = start
        while let next = try spool.next(after: previous, timeout: .milliseconds(50)) {
            result.append(next)
            previous = next.end
            if result.count > 1000 { break }
        }
        return result
    }

    @Test func roundTripAcrossSegments() throws {
        let dir = TemporaryDirectory("spool-roundtrip")
        defer { withExtendedLifetime(dir) {} }
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
        defer { spool.close() }
        let batches = (0..<10).map { batch($0) }
        for item in batches { #expect(try spool.append(item)) }
        #expect(segments(dir.path).count >= 4)
        #expect(spool.backlog.batches == 10)

        let read = try readAll(spool)
        #expect(read.map(\.batch) == batches)
        // Records never straddle segments and follow one another.
        #expect(Set(read.map(\.start.segment)).count >= 4)
        for (earlier, later) in zip(read, read.dropFirst()) {
            #expect(later.start == earlier.end || (later.start.segment == earlier.end.segment + 1 && later.start.offset == 0))
        }

        // Acknowledge the first four: the first segment is deleted, the backlog shrinks.
        for item in read.prefix(4) { spool.acknowledge(item) }
        spool.removeDelivered()
        #expect(!segments(dir.path).contains("segment-000000000001.spool"))
        #expect(spool.backlog.batches == 6)
        #expect(spool.backlog.bytes == read.dropFirst(4).map(\.recordBytes).reduce(0, +))
        // Reading from the start now begins at the fifth batch.
        #expect(try spool.next(after: nil, timeout: .milliseconds(50))?.batch == batches[4])

        for item in read.dropFirst(4) { spool.acknowledge(item) }
        spool.removeDelivered()
        #expect(spool.backlog.batches == 0)
        #expect(spool.backlog.bytes == 0)
        #expect(segments(dir.path).count == 1)
        #expect(try spool.next(after: read.last?.end, timeout: .milliseconds(50)) == nil)

        // Appending still works after everything was removed.
        #expect(try spool.append(batch(42)))
        #expect(try spool.next(after: read.last?.end, timeout: .milliseconds(500))?.batch == batch(42))
    }

    @Test(arguments: [0, 2, 3, 5, 6])
    func reopenResumesAfterTheAcknowledgedBatch(acknowledgedCount: Int) throws {
        let dir = TemporaryDirectory("spool-reopen")
        defer { withExtendedLifetime(dir) {} }
        let batches = (0..<6).map { batch($0) }
        var cursor: SpoolCursor?
        var checkpoint = Checkpoint()
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
            for item in batches { try spool.append(item) }
            let read = try readAll(spool)
            #expect(read.count == 6)
            for item in read.prefix(acknowledgedCount) {
                // As the delivery loop does: the cursor acknowledge returns is what the checkpoint saves.
                cursor = spool.acknowledge(item)
                checkpoint.positions.merge(item.batch.positions) { _, new in new }
                spool.removeDelivered()
            }
            spool.close()
        }
        let reopened = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: cursor, checkpoint: checkpoint)
        defer { reopened.close() }
        #expect(reopened.recovery.pendingBatches == 6 - acknowledgedCount)
        #expect(reopened.recovery.damagedBytes == 0)
        #expect(reopened.recovery.repairs.isEmpty)
        #expect(reopened.backlog.batches == 6 - acknowledgedCount)
        #expect(try readAll(reopened).map(\.batch) == Array(batches.dropFirst(acknowledgedCount)))
        #expect(reopened.recovery.resumePositions == [stream: .file(path: "/log/5", offset: 5)])
    }

    @Test func resumePositionsAreTheCheckpointOverlaidByUnacknowledgedBatches() throws {
        let dir = TemporaryDirectory("spool-resume")
        defer { withExtendedLifetime(dir) {} }
        let a = StreamID("file:1:1:a"), b = StreamID("file:1:1:b"), c = StreamID("file:1:1:c"), d = StreamID("file:1:1:d")
        let acked = SpoolBatch(
            eventCount: 1, contentEncoding: nil, positions: [a: .file(path: "/a", offset: 10), d: .file(path: "/d", offset: 1)],
            body: Array("x\n".utf8), uncompressedBytes: 2)
        let pending1 = SpoolBatch(
            eventCount: 2, contentEncoding: nil, positions: [a: .file(path: "/a", offset: 20), b: .file(path: "/b", offset: 7)],
            body: Array("y\nz\n".utf8), uncompressedBytes: 4)
        let pending2 = SpoolBatch(
            eventCount: 1, contentEncoding: nil, positions: [a: .file(path: "/a", offset: 30)], body: Array("w\n".utf8),
            uncompressedBytes: 2)
        var cursor: SpoolCursor?
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, acknowledged: nil, checkpoint: Checkpoint())
            for item in [acked, pending1, pending2] { try spool.append(item) }
            cursor = spool.acknowledge(try #require(try spool.next(after: nil, timeout: .milliseconds(100))))
            spool.close()
        }
        let checkpoint = Checkpoint(positions: [a: .file(path: "/a", offset: 10), c: .file(path: "/c", offset: 5)])
        let reopened = try Spool(directory: dir.path, maxBytes: 1 << 20, acknowledged: cursor, checkpoint: checkpoint)
        defer { reopened.close() }
        #expect(reopened.recovery.pendingBatches == 2)
        #expect(
            reopened.recovery.resumePositions == [
                a: .file(path: "/a", offset: 30), b: .file(path: "/b", offset: 7), c: .file(path: "/c", offset: 5),
            ])
    }

    @Test func tornTailIsCutAndAppendsGoOn() throws {
        let dir = TemporaryDirectory("spool-torn")
        defer { withExtendedLifetime(dir) {} }
        let batches = (0..<3).map { batch($0, size: 300) }
        var read: [SpooledBatch] = []
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 8 << 20, segmentBytes: 1 << 20, acknowledged: nil, checkpoint: Checkpoint())
            for item in batches { try spool.append(item) }
            read = try readAll(spool)
            spool.close()
        }
        #expect(read.count == 3)
        #expect(segments(dir.path) == ["segment-000000000001.spool"])
        let path = dir.file("segment-000000000001.spool")
        let whole = readBytes(path)
        let lastStart = read[2].start.offset
        #expect(whole.count == read[2].end.offset)
        // A crash in the middle of writing the third record.
        writeBytes(path, Array(whole.prefix(lastStart + 40)))

        let reopened = try Spool(directory: dir.path, maxBytes: 8 << 20, segmentBytes: 1 << 20, acknowledged: nil, checkpoint: Checkpoint())
        #expect(reopened.recovery.pendingBatches == 2)
        #expect(reopened.recovery.damagedBytes == 40)
        #expect(reopened.recovery.repairs.count == 1)
        #expect(reopened.recovery.repairs.first?.contains("segment-000000000001.spool") == true)
        #expect(reopened.recovery.repairs.first?.contains("\(lastStart)") == true)
        #expect(reopened.recovery.resumePositions == [stream: .file(path: "/log/1", offset: 1)])
        #expect(size(path) == lastStart)
        let kept = try readAll(reopened)
        #expect(kept.map(\.batch) == Array(batches.prefix(2)))

        // New appends land after the valid prefix and read back.
        let fresh = batch(7, size: 300)
        #expect(try reopened.append(fresh))
        #expect(try reopened.next(after: kept.last?.end, timeout: .milliseconds(500))?.batch == fresh)
        reopened.close()

        // A third open finds nothing to repair.
        let again = try Spool(directory: dir.path, maxBytes: 8 << 20, segmentBytes: 1 << 20, acknowledged: nil, checkpoint: Checkpoint())
        defer { again.close() }
        #expect(again.recovery.damagedBytes == 0)
        #expect(again.recovery.repairs.isEmpty)
        #expect(try readAll(again).map(\.batch) == Array(batches.prefix(2)) + [fresh])
    }

    @Test func headerCutShortIsATornTailToo() throws {
        let dir = TemporaryDirectory("spool-torn-header")
        defer { withExtendedLifetime(dir) {} }
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 8 << 20, acknowledged: nil, checkpoint: Checkpoint())
            try spool.append(batch(0, size: 50))
            spool.close()
        }
        let path = dir.file("segment-000000000001.spool")
        let intact = readBytes(path)
        writeBytes(path, intact + Array("LSB1".utf8) + [1, 0])  // 6 bytes of a 12-byte header
        let reopened = try Spool(directory: dir.path, maxBytes: 8 << 20, acknowledged: nil, checkpoint: Checkpoint())
        defer { reopened.close() }
        #expect(reopened.recovery.damagedBytes == 6)
        #expect(reopened.recovery.pendingBatches == 1)
        #expect(size(path) == intact.count)
        #expect(try readAll(reopened).map(\.batch) == [batch(0, size: 50)])
    }

    @Test func damagedRecordInAnEarlierSegmentCutsThereAndDropsLaterSegments() throws {
        let dir = TemporaryDirectory("spool-flip")
        defer { withExtendedLifetime(dir) {} }
        let batches = (0..<10).map { batch($0) }
        var read: [SpooledBatch] = []
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
            for item in batches { try spool.append(item) }
            read = try readAll(spool)
            spool.close()
        }
        #expect(read.count == 10)
        let files = segments(dir.path)
        #expect(files.count >= 4)
        // The second record of the first segment gets a flipped byte in the middle of its body.
        let victim = read[1]
        #expect(victim.start.segment == read[0].start.segment)
        let firstPath = dir.file(files[0])
        var bytes = readBytes(firstPath)
        let middle = victim.start.offset + victim.recordBytes / 2
        bytes[middle] ^= 0x40
        writeBytes(firstPath, bytes)
        let expectedDamage = (bytes.count - victim.start.offset) + files.dropFirst().map { size(dir.file($0)) }.reduce(0, +)

        let reopened = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
        defer { reopened.close() }
        #expect(reopened.recovery.damagedBytes == expectedDamage)
        #expect(reopened.recovery.repairs.count == 1)
        #expect(reopened.recovery.repairs.first?.contains("checksum") == true)
        #expect(reopened.recovery.pendingBatches == 1)
        #expect(reopened.recovery.resumePositions == [stream: .file(path: "/log/0", offset: 0)])
        #expect(segments(dir.path) == [files[0]])
        #expect(size(firstPath) == victim.start.offset)
        let kept = try readAll(reopened)
        #expect(kept.map(\.batch) == [batches[0]])

        let fresh = batch(11)
        #expect(try reopened.append(fresh))
        #expect(try reopened.next(after: kept.last?.end, timeout: .milliseconds(500))?.batch == fresh)
    }

    @Test func damageAfterTheAcknowledgedCursorKeepsTheCursorInBounds() throws {
        // The checkpoint says the first two records are delivered; the second one is then torn away
        // (it was acknowledged, but the disk lost it): the spool must start empty, not past its end.
        let dir = TemporaryDirectory("spool-ack-damaged")
        defer { withExtendedLifetime(dir) {} }
        var cursor: SpoolCursor?
        var read: [SpooledBatch] = []
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 8 << 20, acknowledged: nil, checkpoint: Checkpoint())
            for index in 0..<2 { try spool.append(batch(index, size: 100)) }
            read = try readAll(spool)
            for item in read { cursor = spool.acknowledge(item) }
            spool.close()
        }
        let path = dir.file("segment-000000000001.spool")
        writeBytes(path, Array(readBytes(path).prefix(read[1].start.offset + 10)))
        let reopened = try Spool(directory: dir.path, maxBytes: 8 << 20, acknowledged: cursor, checkpoint: Checkpoint())
        defer { reopened.close() }
        #expect(reopened.recovery.pendingBatches == 0)
        #expect(reopened.acknowledged == SpoolCursor(segment: 1, offset: read[1].start.offset))
        #expect(try reopened.next(after: nil, timeout: .milliseconds(50)) == nil)
        let fresh = batch(5, size: 100)
        #expect(try reopened.append(fresh))
        #expect(try reopened.next(after: nil, timeout: .milliseconds(500))?.batch == fresh)
    }

    @Test func acknowledgedCursorIntoAMissingSegmentStartsAtItsBeginning() throws {
        // The checkpoint names a cursor in segment 3, but the spool directory was emptied (an operator
        // removed it to free the disk): new batches must be readable from the start of the new segment.
        let dir = TemporaryDirectory("spool-missing-segment")
        defer { withExtendedLifetime(dir) {} }
        let spool = try Spool(
            directory: dir.path, maxBytes: 8 << 20, acknowledged: SpoolCursor(segment: 3, offset: 5000), checkpoint: Checkpoint())
        defer { spool.close() }
        #expect(spool.recovery.pendingBatches == 0)
        let batches = (0..<3).map { batch($0, size: 2000) }
        for item in batches { #expect(try spool.append(item)) }
        #expect(spool.backlog.batches == 3)
        #expect(try readAll(spool).map(\.batch) == batches)
    }

    @Test func appendBlocksWhileFullUntilTheReaderAcknowledges() throws {
        let dir = TemporaryDirectory("spool-bounded")
        defer { withExtendedLifetime(dir) {} }
        // Records of ~1.1 KB: two fit in 2500 bytes, a third must wait.
        let spool = try Spool(directory: dir.path, maxBytes: 2500, acknowledged: nil, checkpoint: Checkpoint())
        defer { spool.close() }
        #expect(try spool.append(batch(0, size: 900)))
        #expect(try spool.append(batch(1, size: 900)))
        #expect(spool.backlog.batches == 2)
        #expect(!spool.isFull)

        let third = appendInBackground(spool, batch(2, size: 900))
        usleep(300_000)
        #expect(third.current == 0, "append returned although the spool is full")
        #expect(spool.backlog.batches == 2)
        #expect(spool.isFull)

        let first = try #require(try spool.next(after: nil, timeout: .milliseconds(100)))
        #expect(first.batch == batch(0, size: 900))
        spool.acknowledge(first)
        #expect(waitFor { third.current != 0 })
        #expect(third.current == 1)
        #expect(spool.backlog.batches == 2)
        #expect(!spool.isFull)
        #expect(try readAll(spool, after: first.end).map(\.batch) == [batch(1, size: 900), batch(2, size: 900)])
    }

    @Test func closeUnblocksABlockedAppend() throws {
        let dir = TemporaryDirectory("spool-close")
        defer { withExtendedLifetime(dir) {} }
        let spool = try Spool(directory: dir.path, maxBytes: 2500, acknowledged: nil, checkpoint: Checkpoint())
        #expect(try spool.append(batch(0, size: 900)))
        #expect(try spool.append(batch(1, size: 900)))
        let blocked = appendInBackground(spool, batch(2, size: 900))
        usleep(300_000)
        #expect(blocked.current == 0, "append returned although the spool is full")
        spool.close()
        #expect(waitFor { blocked.current != 0 })
        #expect(blocked.current == 2)
        // After closing, appends and reads return at once.
        #expect(try spool.append(batch(3, size: 10)) == false)
        #expect(try spool.next(after: nil, timeout: .seconds(5)) == nil)

        // Nothing of the refused batches was written.
        let reopened = try Spool(directory: dir.path, maxBytes: 2500, acknowledged: nil, checkpoint: Checkpoint())
        defer { reopened.close() }
        #expect(reopened.recovery.pendingBatches == 2)
    }

    @Test func aBatchLargerThanTheSpoolIsAcceptedWhenTheSpoolIsEmpty() throws {
        let dir = TemporaryDirectory("spool-oversized")
        defer { withExtendedLifetime(dir) {} }
        let spool = try Spool(directory: dir.path, maxBytes: 500, acknowledged: nil, checkpoint: Checkpoint())
        defer { spool.close() }
        let big = batch(0, size: 2000)
        let call = appendInBackground(spool, big)
        #expect(waitFor { call.current != 0 })
        #expect(call.current == 1)
        #expect(!spool.isFull, "nothing is waiting for room")
        #expect(try spool.next(after: nil, timeout: .milliseconds(100))?.batch == big)
    }
}
