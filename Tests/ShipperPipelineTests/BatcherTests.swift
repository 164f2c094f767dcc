import Gzip
import ShipperCore
import ShipperPipeline
import Testing

@Suite("Batcher")
struct BatcherTests {
    let a = StreamID("file:1:1:aa")
    let b = StreamID("file:1:2:bb")

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func ndjson(_ batch: SpoolBatch) throws -> String {
        let body = batch.contentEncoding == "gzip"
            ? try Gzip.decompress(batch.body, maxOutputBytes: 1 << 20) : batch.body
        return String(decoding: body, as: UTF8.self)
    }

    @Test func closesAtMaxEvents() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 3, maxBytes: 1 << 20, maxAge: .seconds(60)))
        #expect(try batcher.add(bytes("one"), stream: a, position: .file(path: "/a", offset: 4)).isEmpty)
        #expect(try batcher.add(bytes("two"), stream: a, position: .file(path: "/a", offset: 8)).isEmpty)
        let closed = try batcher.add(bytes("three"), stream: a, position: .file(path: "/a", offset: 14))
        #expect(closed.count == 1)
        #expect(closed.first?.eventCount == 3)
        #expect(try ndjson(try #require(closed.first)) == "one\ntwo\nthree\n")
        #expect(batcher.isEmpty)
        #expect(batcher.deadline == nil)
        #expect(try batcher.close() == nil)
    }

    @Test func closesBeforeALineThatWouldExceedMaxBytes() throws {
        // Lines of 9 bytes take 10 with the newline: two fit in 25, the third does not.
        var batcher = Batcher(limits: BatchLimits(maxEvents: 100, maxBytes: 25, maxAge: .seconds(60)), compressionLevel: nil)
        #expect(try batcher.add(bytes("aaaaaaaaa"), stream: a, position: .file(path: "/a", offset: 10)).isEmpty)
        #expect(try batcher.add(bytes("bbbbbbbbb"), stream: a, position: .file(path: "/a", offset: 20)).isEmpty)
        let closed = try batcher.add(bytes("ccccccccc"), stream: a, position: .file(path: "/a", offset: 30))
        #expect(closed.count == 1)
        let first = try #require(closed.first)
        #expect(first.eventCount == 2)
        #expect(first.body == bytes("aaaaaaaaa\nbbbbbbbbb\n"))
        #expect(first.uncompressedBytes == 20)
        #expect(first.positions == [a: .file(path: "/a", offset: 20)])
        // The third line is waiting in the next batch, whole.
        let rest = try #require(try batcher.close())
        #expect(rest.body == bytes("ccccccccc\n"))
        #expect(rest.positions == [a: .file(path: "/a", offset: 30)])
    }

    @Test func oversizedLineGetsABatchOfItsOwn() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 100, maxBytes: 25, maxAge: .seconds(60)), compressionLevel: nil)
        #expect(try batcher.add(bytes("small"), stream: a, position: .file(path: "/a", offset: 6)).isEmpty)
        let huge = String(repeating: "h", count: 60)
        let closed = try batcher.add(bytes(huge), stream: a, position: .file(path: "/a", offset: 67))
        #expect(closed.count == 2)
        #expect(closed.map(\.body) == [bytes("small\n"), bytes(huge + "\n")])
        #expect(closed.map(\.eventCount) == [1, 1])
        #expect(closed.map(\.positions) == [[a: .file(path: "/a", offset: 6)], [a: .file(path: "/a", offset: 67)]])
        #expect(batcher.isEmpty)

        // Into an empty batcher, it closes at once, alone.
        let alone = try batcher.add(bytes(huge), stream: b, position: .file(path: "/b", offset: 61))
        #expect(alone.map(\.body) == [bytes(huge + "\n")])
        #expect(batcher.isEmpty)
    }

    @Test func closesAtMaxAge() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 100, maxBytes: 1 << 20, maxAge: .milliseconds(20)))
        let start = ContinuousClock.now
        #expect(try batcher.closeIfDue(now: start + .seconds(10)) == nil)  // empty: nothing to close
        _ = try batcher.add(bytes("first"), stream: a, position: .file(path: "/a", offset: 6), now: start)
        _ = try batcher.add(bytes("second"), stream: a, position: .file(path: "/a", offset: 13), now: start + .milliseconds(15))
        // The age counts from the first line.
        #expect(batcher.deadline == start + .milliseconds(20))
        #expect(try batcher.closeIfDue(now: start + .milliseconds(19)) == nil)
        #expect(!batcher.isEmpty)
        let batch = try #require(try batcher.closeIfDue(now: start + .milliseconds(20)))
        #expect(batch.eventCount == 2)
        #expect(try ndjson(batch) == "first\nsecond\n")
        #expect(batcher.isEmpty)
        #expect(batcher.deadline == nil)
    }

    @Test func positionsAreTheLastOfEachStream() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 5, maxBytes: 1 << 20, maxAge: .seconds(60)))
        _ = try batcher.add(bytes("a1"), stream: a, position: .file(path: "/a", offset: 3))
        _ = try batcher.add(bytes("j1"), stream: .journal, position: .journal(cursor: "c1"))
        _ = try batcher.add(bytes("a2"), stream: a, position: .file(path: "/a", offset: 6))
        _ = try batcher.add(bytes("j2"), stream: .journal, position: .journal(cursor: "c2"))
        let closed = try batcher.add(bytes("b1"), stream: b, position: .file(path: "/b", offset: 3))
        let batch = try #require(closed.first)
        #expect(batch.positions == [a: .file(path: "/a", offset: 6), .journal: .journal(cursor: "c2"), b: .file(path: "/b", offset: 3)])

        // The next batch starts with no positions of its own.
        _ = try batcher.add(bytes("a3"), stream: a, position: .file(path: "/a", offset: 9))
        #expect(try batcher.close()?.positions == [a: .file(path: "/a", offset: 9)])
    }

    @Test func gzipBodyDecompressesToTheExactNDJSON() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 1000, maxBytes: 1 << 20, maxAge: .seconds(60)), compressionLevel: 6)
        var expected = ""
        for index in 0..<200 {
            let line = #"{"n":\#(index),"text":"événement \#(index)"}"#
            expected += line + "\n"
            _ = try batcher.add(bytes(line), stream: a, position: .file(path: "/a", offset: UInt64(index)))
        }
        let batch = try #require(try batcher.close())
        #expect(batch.contentEncoding == "gzip")
        #expect(batch.eventCount == 200)
        #expect(batch.uncompressedBytes == expected.utf8.count)
        #expect(batch.body.count < expected.utf8.count)
        #expect(Array(batch.body.prefix(2)) == [0x1f, 0x8b])
        #expect(try Gzip.decompress(batch.body, maxOutputBytes: 1 << 20) == Array(expected.utf8))
        #expect(batch.payload.contentEncoding == "gzip")
        #expect(batch.payload.eventCount == 200)
        #expect(batch.payload.body == batch.body)
    }

    @Test func withoutCompressionTheBodyIsPlain() throws {
        var batcher = Batcher(limits: BatchLimits(maxEvents: 2, maxBytes: 1 << 20, maxAge: .seconds(60)), compressionLevel: nil)
        _ = try batcher.add(bytes("x"), stream: a, position: .file(path: "/a", offset: 2))
        let batch = try #require(try batcher.add(bytes("y"), stream: a, position: .file(path: "/a", offset: 4)).first)
        #expect(batch.contentEncoding == nil)
        #expect(batch.body == bytes("x\ny\n"))
        #expect(batch.uncompressedBytes == 4)
        #expect(batch.payload.contentEncoding == nil)
    }
}
