import ShipperCore
import ShipperPipeline
import Testing

/// Group commit: batches appended together are one write and one fsync, and otherwise the same as
/// batches appended one by one (order, segments, recovery after a restart).
@Suite("Spool group commit")
struct SpoolGroupCommitTests {
    let stream = StreamID("file:9:9:group")

    func batch(_ index: Int, size: Int = 1500) -> SpoolBatch {
        SpoolBatch(
            eventCount: index + 1, contentEncoding: "gzip", positions: [stream: .file(path: "/log/g", offset: UInt64(index))],
            body: [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: size), uncompressedBytes: size * 3)
    }

    func readAll(_ spool: Spool) throws -> [SpoolBatch] {
        var result: [SpoolBatch] = []
        var previous: SpoolCursor?
        while let next = try spool.next(after: previous, timeout: .milliseconds(50)) {
            result.append(next.batch)
            previous = next.end
        }
        return result
    }

    @Test func batchesAppendedTogetherReadBackInOrderAndSurviveARestart() throws {
        let dir = TemporaryDirectory("group")
        let batches = (0..<7).map { batch($0) }
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
            #expect(try spool.append(contentsOf: Array(batches[0..<3])))
            #expect(try spool.append(batches[3]))
            #expect(try spool.append(contentsOf: Array(batches[4...])))
            #expect(try spool.append(contentsOf: []))
            #expect(spool.backlog.batches == 7)
            #expect(try readAll(spool) == batches)
            spool.close()
        }
        let reopened = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
        #expect(reopened.recovery.pendingBatches == 7)
        #expect(reopened.recovery.repairs.isEmpty)
        #expect(reopened.recovery.resumePositions == [stream: .file(path: "/log/g", offset: 6)])
        #expect(try readAll(reopened) == batches)
    }

    @Test func aGroupLargerThanTheSpoolWaitsForAnEmptySpoolThenGoesWhole() throws {
        let dir = TemporaryDirectory("group-full")
        let spool = try Spool(directory: dir.path, maxBytes: 4096, segmentBytes: 4096, acknowledged: nil, checkpoint: Checkpoint())
        // An empty spool takes any group (as it takes any single oversized batch), so nothing can wedge.
        #expect(try spool.append(contentsOf: [batch(0, size: 3000), batch(1, size: 3000)]))
        #expect(try readAll(spool).count == 2)
    }
}
