import Foundation
import Gzip
import Testing

@Suite struct GzipTests {
    @Test func roundTripsAndInteroperatesWithTheGzipTool() throws {
        let text = Array(String(repeating: "{\"event_type\":\"log\",\"message\":\"hello\"}\n", count: 5_000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.count < text.count / 10)
        #expect(compressed.withUnsafeBytes { Gzip.looksCompressed($0) })
        #expect(try Gzip.decompress(compressed, maxOutputBytes: 1 << 20) == text)
        // The system's gzip reads what we write.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a.gz")
        try Data(compressed).write(to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-t", path.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func decompressesConcatenatedMembers() throws {
        let first = try Gzip.compress(Array("first\n".utf8))
        let second = try Gzip.compress(Array("second\n".utf8))
        #expect(try Gzip.decompress(first + second, maxOutputBytes: 100) == Array("first\nsecond\n".utf8))
    }

    @Test func refusesABombWithoutInflatingIt() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 50 << 20))  // 50 MiB of zeros, ~50 KiB
        #expect(bomb.count < 100_000)
        #expect(throws: GzipError.tooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, maxOutputBytes: 1 << 20) }
    }

    @Test func reportsCorruptAndTruncatedInput() throws {
        #expect { try Gzip.decompress(Array("not gzip at all".utf8), maxOutputBytes: 100) } throws: { error in
            if case GzipError.corrupt = error { return true }
            return false
        }
        let whole = try Gzip.compress(Array(String(repeating: "x", count: 10_000).utf8))
        #expect(throws: GzipError.truncated) { try Gzip.decompress(Array(whole.prefix(whole.count / 2)), maxOutputBytes: 1 << 20) }
    }

    @Test func streamsInSmallChunks() throws {
        let text = Array((0..<20_000).map { "line \($0)\n" }.joined().utf8)
        let compressed = try Gzip.compress(text)
        var decompressor = try GzipDecompressor(maxOutputBytes: 10 << 20)
        var output: [UInt8] = []
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + 777, compressed.count)
            try compressed[offset..<end].withUnsafeBytes { try decompressor.feed($0) { output.append(contentsOf: $0) } }
            offset = end
        }
        try decompressor.finish()
        #expect(output == text)
    }
}
