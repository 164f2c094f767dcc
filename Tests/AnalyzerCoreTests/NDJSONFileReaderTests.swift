import AnalyzerCore
import Foundation
import Gzip
import ServiceLog
import Testing

@Suite struct NDJSONFileReaderTests {
    /// Files in a fresh temporary directory.
    struct Files {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyzer-reader-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        func write(_ bytes: [UInt8], as name: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        func write(_ text: String, as name: String) throws -> String { try write(Array(text.utf8), as: name) }

        func cleanup() { try? FileManager.default.removeItem(at: directory) }
    }

    /// A valid line whose message is `message`.
    static func line(_ message: String) -> String {
        Event(timestamp: Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000), level: .info, service: "s", payload: .log, message: message)
            .jsonLine()
    }

    /// Everything a reader yields, batch by batch, and the error that ended it if any.
    struct Result {
        var batches: [NDJSONBatch] = []
        var error: NDJSONReadError?
        var messages: [String] { batches.flatMap(\.events).map { $0.message ?? "" } }
        var invalid: [InvalidLine] { batches.flatMap(\.invalidLines) }
    }

    static func readAll(_ reader: NDJSONFileReader) -> Result {
        var result = Result()
        do {
            while let batch = try reader.nextBatch() { result.batches.append(batch) }
        } catch {
            result.error = error
        }
        return result
    }

    static func readAll(_ path: String, options: NDJSONFileReader.Options = .init()) throws -> Result {
        readAll(try NDJSONFileReader(path: path, options: options))
    }

    @Test func readsPlainFilesInBatchesOfLines() throws {
        let files = try Files()
        defer { files.cleanup() }
        let text = (1...2_500).map { Self.line("m\($0)") + "\n" }.joined()
        let path = try files.write(text, as: "events.ndjson")
        let reader = try NDJSONFileReader(path: path, options: .init(batchSize: 1_000))
        #expect(reader.totalBytes == text.utf8.count)
        let result = Self.readAll(reader)
        #expect(result.error == nil)
        #expect(result.batches.map(\.events.count) == [1_000, 1_000, 500])
        #expect(result.batches.map(\.firstLineNumber) == [1, 1_001, 2_001])
        #expect(result.messages == (1...2_500).map { "m\($0)" })
        #expect(reader.validCount == 2_500 && reader.invalidCount == 0 && reader.lineCount == 2_500)
        #expect(reader.bytesRead == text.utf8.count && !reader.isCompressed)
    }

    @Test func acceptsCRLFAndALastLineWithoutNewline() throws {
        let files = try Files()
        defer { files.cleanup() }
        let crlf = try files.write(Self.line("a") + "\r\n" + Self.line("b") + "\r\n", as: "crlf.ndjson")
        #expect(try Self.readAll(crlf).messages == ["a", "b"])
        let unterminated = try files.write(Self.line("a") + "\n" + Self.line("b"), as: "last.ndjson")
        #expect(try Self.readAll(unterminated).messages == ["a", "b"])
        let crlfUnterminated = try files.write(Self.line("a") + "\r\n" + Self.line("b") + "\r", as: "last-cr.ndjson")
        #expect(try Self.readAll(crlfUnterminated).messages == ["a", "b"])
        let empty = try files.write("", as: "empty.ndjson")
        let result = try Self.readAll(empty)
        #expect(result.batches.isEmpty && result.error == nil)
    }

    @Test func reportsInvalidLinesWithNumbersAndKeepsTheValidOnes() throws {
        let files = try Files()
        defer { files.cleanup() }
        var bytes = Array((Self.line("one") + "\n").utf8)
        bytes += Array("{not json\n".utf8)  // line 2
        bytes += Array("\n   \n".utf8)  // lines 3-4: blank, skipped
        bytes += Array("{\"timestamp\":\"2026-11-24T10:15:02.123456Z\",\"level\":\"info\"}\n".utf8)  // line 5
        bytes += Array("{\"timestamp\":\"2026-11-24T10:15:02.123456Z\",\"level\":\"info\",\"service\":\"s\",\"event_type\":\"log\",\"message\":\"bad ".utf8)
        bytes += [0xC3, 0x28]  // line 6: invalid UTF-8 inside a string
        bytes += Array("\"}\n".utf8)
        bytes += Array((Self.line("two") + "\n").utf8)  // line 7
        let path = try files.write(bytes, as: "mixed.ndjson")
        let reader = try NDJSONFileReader(path: path)
        let result = Self.readAll(reader)
        #expect(result.error == nil)
        #expect(result.messages == ["one", "two"])
        #expect(result.invalid.map(\.lineNumber) == [2, 5, 6])
        #expect(result.invalid[0].reason.contains("not valid JSON"))
        #expect(result.invalid[1].reason.contains("missing required field 'service'"))
        #expect(result.invalid[2].reason.contains("UTF-8"))
        #expect(reader.invalidCount == 3 && reader.validCount == 2 && reader.lineCount == 7)
    }

    @Test func reportsLinesOverTheLimitWithoutHoldingThem() throws {
        let files = try Files()
        defer { files.cleanup() }
        // 3 MiB without a newline, then a valid line: only the long line is lost.
        let long = "{\"message\":\"" + String(repeating: "x", count: 3 << 20) + "\"}"
        let text = Self.line("before") + "\n" + long + "\n" + Self.line("after") + "\n" + long
        let path = try files.write(text, as: "long.ndjson")
        let result = try Self.readAll(path)
        #expect(result.error == nil)
        #expect(result.messages == ["before", "after"])
        #expect(result.invalid.map(\.lineNumber) == [2, 4])
        #expect(result.invalid.allSatisfy { $0.reason == "line is \(long.utf8.count) bytes, over the 1048576-byte limit" })

        // A smaller limit applies to the reader too, including a line ending in CRLF.
        let limited = try files.write(Self.line("ok") + "\r\n" + String(repeating: "y", count: 300) + "\r\n", as: "limited.ndjson")
        let small = try Self.readAll(limited, options: .init(limits: DecodingLimits(maxLineBytes: 200)))
        #expect(small.messages == ["ok"])
        #expect(small.invalid == [InvalidLine(lineNumber: 2, reason: "line is 300 bytes, over the 200-byte limit")])
    }

    @Test func readsGzipByItsMagicNumberIncludingConcatenatedMembers() throws {
        let files = try Files()
        defer { files.cleanup() }
        let first = (1...3_000).map { Self.line("a\($0)") + "\n" }.joined()
        let second = (1...2_000).map { Self.line("b\($0)") + "\n" }.joined()
        let compressed = try Gzip.compress(Array(first.utf8)) + Gzip.compress(Array(second.utf8))
        // No `.gz` in the name: detection is by content.
        let path = try files.write(compressed, as: "events.log")
        let reader = try NDJSONFileReader(path: path)
        let result = Self.readAll(reader)
        #expect(result.error == nil)
        #expect(reader.isCompressed)
        #expect(result.messages == (1...3_000).map { "a\($0)" } + (1...2_000).map { "b\($0)" })
        #expect(reader.bytesRead == compressed.count && reader.totalBytes == compressed.count)
    }

    @Test func readsHighlyCompressedGzipInBoundedPieces() throws {
        let files = try Files()
        defer { files.cleanup() }
        // ~40 MB of identical lines compress to a few hundred KB: the reader still hands them out in
        // batches rather than decompressing everything at once.
        let line = Self.line(String(repeating: "z", count: 300)) + "\n"
        let count = 100_000
        let compressed = try Gzip.compress(Array(String(repeating: line, count: count).utf8), level: 9)
        let path = try files.write(compressed, as: "bomb-ish.ndjson.gz")
        let reader = try NDJSONFileReader(path: path, options: .init(batchSize: 5_000))
        var events = 0
        var batches = 0
        while let batch = try reader.nextBatch() {
            events += batch.events.count
            batches += 1
            #expect(batch.events.count <= 5_000)
        }
        #expect(events == count && batches == 20)
    }

    @Test func reportsATruncatedGzipFileAfterItsCompleteLines() throws {
        let files = try Files()
        defer { files.cleanup() }
        let text = (1...2_000).map { Self.line("m\($0)") + "\n" }.joined()
        let compressed = try Gzip.compress(Array(text.utf8))
        let path = try files.write(Array(compressed.prefix(compressed.count * 2 / 3)), as: "cut.ndjson.gz")
        let result = try Self.readAll(path)
        guard case .gzip(let file, .truncated) = result.error else {
            Issue.record("expected a truncation error, got \(String(describing: result.error))")
            return
        }
        #expect(file == path)
        #expect("\(result.error!)".contains("truncated"))
        // The complete lines before the cut came through, in order; the cut one is not reported invalid.
        let messages = result.messages
        #expect(messages.count > 100 && messages.count < 2_000)
        #expect(messages == (1...messages.count).map { "m\($0)" })
        #expect(result.invalid.isEmpty)
    }

    @Test func reportsCorruptGzip() throws {
        let files = try Files()
        defer { files.cleanup() }
        var compressed = try Gzip.compress(Array((1...500).map { Self.line("m\($0)") + "\n" }.joined().utf8))
        for index in 20..<60 { compressed[index] ^= 0x5A }
        let result = try Self.readAll(try files.write(compressed, as: "corrupt.gz"))
        guard case .gzip(_, .corrupt) = result.error else {
            Issue.record("expected a corruption error, got \(String(describing: result.error))")
            return
        }
    }

    @Test func namesAMissingFile() {
        #expect(throws: NDJSONReadError.cannotOpen(file: "/nonexistent/x.ndjson", reason: "No such file or directory")) {
            try NDJSONFileReader(path: "/nonexistent/x.ndjson")
        }
    }
}
