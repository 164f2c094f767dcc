import Foundation
import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: following files", .serialized)
struct FollowingTests {
    @Test("appended lines are read across many reads, with offsets, positions and enrichment")
    func followsAppends() throws {
        let dir = TestDirectory()
        dir.write("app.log", "one\ntwo\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }

        let first = try source.records(2)
        #expect(first.map(\.text) == ["one", "two"])
        dir.append("app.log", "three\n")
        let second = try source.records(1)
        #expect(second.map(\.text) == ["three"])
        for round in 0..<5 {
            dir.append("app.log", "line \(round)\n")
            #expect(try source.records(1).map(\.text) == ["line \(round)"])
        }

        let path = dir.file("app.log")
        let all = first + second
        #expect(all.map(\.origin) == ["0", "4", "8"])
        #expect(all.map(\.position) == [.file(path: path, offset: 4), .file(path: path, offset: 8), .file(path: path, offset: 14)])
        #expect(Set(all.map(\.stream)).count == 1)
        #expect(all[0].enrichment == Enrichment(origin: path, attributes: ["file": path]))
        #expect(all[0].enrichment.timestamp == nil)
        #expect(source.statistics.records == 8)
        #expect(source.statistics.bytes == 3 + 3 + 5 + 5 * 6)
        #expect(source.statistics.openStreams == 1)
    }

    @Test("files matching the pattern that appear after start are found; others and excluded ones are not")
    func discoversNewFiles() throws {
        let dir = TestDirectory()
        let source = try FileSource(
            configuration: dir.configuration(exclude: ["skip-*"]), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(during: .milliseconds(200)).isEmpty)

        dir.write("other.txt", "not matching\n")
        dir.write("skip-me.log", "excluded\n")
        dir.write("a.log", "alpha\n")
        #expect(try source.records(1).map(\.text) == ["alpha"])
        dir.write("b.log", "beta\n")
        #expect(try source.records(1).map(\.text) == ["beta"])
        #expect(try source.records(during: .milliseconds(300)).isEmpty)
        #expect(source.statistics.openStreams == 2)
    }

    @Test("a wildcard directory pattern finds files in subdirectories created after start")
    func discoversInNewSubdirectories() throws {
        let dir = TestDirectory()
        let source = try FileSource(configuration: dir.configuration("*/app.log"), resumeFrom: Checkpoint())
        defer { source.close() }
        dir.makeDirectory("orders")
        dir.write("orders/app.log", "order placed\n")
        #expect(try source.records(1).map(\.text) == ["order placed"])
        dir.makeDirectory("inventory")
        dir.write("inventory/app.log", "stock checked\n")
        dir.write("inventory/other.log", "ignored\n")
        let records = try source.records(1)
        #expect(records.map(\.text) == ["stock checked"])
        #expect(records.first?.enrichment.origin == dir.file("inventory/app.log"))
        #expect(try source.records(during: .milliseconds(300)).isEmpty)
    }

    @Test("polling without inotify follows appends and new files too")
    func pollingFallback() throws {
        let dir = TestDirectory()
        dir.write("a.log", "a1\n")
        let source = try FileSource(configuration: dir.configuration(useInotify: false), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(1).map(\.text) == ["a1"])
        dir.append("a.log", "a2\n")
        #expect(try source.records(1).map(\.text) == ["a2"])
        dir.write("b.log", "b1\n")
        #expect(try source.records(1).map(\.text) == ["b1"])
    }

    @Test("read blocks until a line arrives, and an idle read waits for its timeout")
    func readBlocks() throws {
        let dir = TestDirectory()
        dir.write("app.log", "")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }

        let start = ContinuousClock.now
        #expect(try source.read(limit: 10, timeout: .milliseconds(300)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(290))

        let path = dir.file("app.log")
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.2)
            LogWriter(path).write("late line\n")
        }
        writer.start()
        // One call: an early empty return would fail the test.
        let records = try source.read(limit: 10, timeout: .seconds(10))
        #expect(records.map(\.text) == ["late line"])
    }

    @Test("records come in order per file, busy files take turns, and the limit holds")
    func orderAndFairness() throws {
        let dir = TestDirectory()
        let lines = 300
        dir.write("a.log", (0..<lines).map { "a \($0)\n" }.joined())
        dir.write("b.log", (0..<lines).map { "b \($0)\n" }.joined())
        let source = try FileSource(configuration: dir.configuration(readChunkBytes: 64), resumeFrom: Checkpoint())
        defer { source.close() }

        let first = try source.read(limit: 50, timeout: .seconds(10))
        #expect(first.count == 50)
        #expect(Set(first.map { $0.text.prefix(1) }) == ["a", "b"])
        var all = first
        while all.count < 2 * lines {
            let batch = try source.read(limit: 50, timeout: .seconds(10))
            #expect(batch.count <= 50)
            if batch.isEmpty { break }
            all += batch
        }
        for name in ["a", "b"] {
            let texts = all.filter { $0.text.hasPrefix(name) }.map(\.text)
            #expect(texts == (0..<lines).map { "\(name) \($0)" })
        }
        #expect(try source.read(limit: 1, timeout: .milliseconds(100)).isEmpty)
    }

    @Test("closing releases files and later reads return nothing")
    func closing() throws {
        let dir = TestDirectory()
        dir.write("app.log", "one\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        #expect(source.statistics.openStreams == 1)
        source.close()
        #expect(source.statistics.openStreams == 0)
        #expect(try source.read(limit: 10, timeout: .milliseconds(50)).isEmpty)
    }

    @Test("a configuration without include patterns is refused")
    func emptyInclude() {
        #expect(throws: FileSourceError.noIncludePatterns) {
            try FileSource(configuration: FileSourceConfiguration(include: []), resumeFrom: Checkpoint())
        }
        #expect(throws: FileSourceError.self) {
            try FileSource(
                configuration: FileSourceConfiguration(include: ["/tmp/*.log"], maxLineBytes: 0),
                resumeFrom: Checkpoint())
        }
    }
}
