import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: lines", .serialized)
struct LineTests {
    @Test("a partial last line is held until its newline; positions never cover it")
    func partialLineHeld() throws {
        let dir = TestDirectory()
        dir.write("app.log", "done\nhalf")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let first = try source.records(1)
        #expect(first.map(\.text) == ["done"])
        #expect(first.map(\.offset) == [5])
        #expect(try source.records(during: .milliseconds(300)).isEmpty)
        dir.append("app.log", " and half\n")
        let second = try source.records(1)
        #expect(second.map(\.text) == ["half and half"])
        #expect(second.first?.origin == "5")
        #expect(second.first?.offset == 19)
    }

    @Test("a 5 MiB line is cut to maxLineBytes, marked, counted, and the next line follows")
    func longLineCut() throws {
        let dir = TestDirectory()
        let length = 5 * 1_048_576
        dir.append("app.log", bytes: [UInt8](repeating: UInt8(ascii: "x"), count: length) + [0x0A])
        dir.append("app.log", "after\n")
        let source = try FileSource(configuration: dir.configuration(maxLineBytes: 1024), resumeFrom: Checkpoint())
        defer { source.close() }
        let records = try source.records(2)
        #expect(records.count == 2)
        #expect(records.first?.bytes.count == 1024)
        #expect(records.first?.originalLength == length)
        #expect(records.first?.isTruncated == true)
        #expect(records.first?.offset == UInt64(length + 1))
        #expect(records.last?.text == "after")
        #expect(records.last?.origin == String(length + 1))
        #expect(source.statistics.truncatedLines == 1)
        #expect(source.statistics.bytes == length + 5)
    }

    @Test("the splitter holds at most maxLineBytes of a long line, whatever its length")
    func longLineMemoryBounded() {
        var splitter = LineSplitter(maxLineBytes: 1024, startingAt: 0)
        let chunk = [UInt8](repeating: UInt8(ascii: "y"), count: 65_536)
        var lines: [LineSplitter.Line] = []
        var mostBuffered = 0
        for _ in 0..<80 {  // 5 MiB without a newline
            chunk.withUnsafeBufferPointer { splitter.feed($0) { lines.append($0) } }
            mostBuffered = max(mostBuffered, splitter.bufferedByteCount)
        }
        #expect(mostBuffered == 1024)
        [UInt8(0x0A)].withUnsafeBufferPointer { splitter.feed($0) { lines.append($0) } }
        #expect(lines.count == 1)
        #expect(lines.first?.originalLength == 80 * 65_536)
        #expect(lines.first?.end == UInt64(80 * 65_536 + 1))
        #expect(splitter.bufferedByteCount == 0)
    }

    @Test("a cut line ends at a UTF-8 character boundary; a line of exactly maxLineBytes is not cut")
    func utf8Boundary() throws {
        let dir = TestDirectory()
        dir.write("app.log", String(repeating: "é", count: 1000) + "\n" + String(repeating: "a", count: 1023) + "\n")
        let source = try FileSource(configuration: dir.configuration(maxLineBytes: 1023), resumeFrom: Checkpoint())
        defer { source.close() }
        let records = try source.records(2)
        #expect(records.count == 2)
        #expect(records.first?.bytes.count == 1022)
        #expect(records.first.map { String(validating: $0.bytes, as: UTF8.self) != nil } == true)
        #expect(records.first?.originalLength == 2000)
        #expect(records.last?.isTruncated == false)
        #expect(source.statistics.truncatedLines == 1)
    }

    @Test("lines split across reads byte by byte come out whole")
    func splitterAcrossChunks() {
        var splitter = LineSplitter(maxLineBytes: 100, startingAt: 10)
        var lines: [LineSplitter.Line] = []
        for byte in Array("ab\n\ncd\nef".utf8) {
            [byte].withUnsafeBufferPointer { splitter.feed($0) { lines.append($0) } }
        }
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["ab", "", "cd"])
        #expect(lines.map(\.start) == [10, 13, 14])
        #expect(lines.map(\.end) == [13, 14, 17])
        #expect(splitter.hasPartialLine)
        let rest = splitter.flush()
        #expect(rest.map { String(decoding: $0.bytes, as: UTF8.self) } == "ef")
        #expect(rest?.end == 19)
    }

    @Test("invalid UTF-8 and NUL bytes pass through untouched")
    func binaryPassThrough() throws {
        let dir = TestDirectory()
        let line: [UInt8] = [0xFF, 0x00, 0x41, 0xC3, 0x28, 0x00]
        dir.append("app.log", bytes: line + [0x0A])
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(1).map(\.bytes) == [line])
    }
}
