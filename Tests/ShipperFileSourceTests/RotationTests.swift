import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: rotation, truncation, deletion", .serialized)
struct RotationTests {
    @Test("rename rotation: the old file is read to its end, including later writes, then the new one; the old one closes")
    func renameRotation() throws {
        let dir = TestDirectory()
        let oldWriter = LogWriter(dir.file("app.log"))
        oldWriter.write("old 1\nold 2\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let before = try source.records(2)
        #expect(before.map(\.text) == ["old 1", "old 2"])

        dir.rename("app.log", "app.log.1")
        oldWriter.write("old 3\n")
        let newWriter = LogWriter(dir.file("app.log"))
        newWriter.write("new 1\n")
        oldWriter.write("old 4\n")
        newWriter.write("new 2\n")

        let after = try source.records(4)
        let oldStream = before[0].stream
        #expect(after.filter { $0.stream == oldStream }.map(\.text) == ["old 3", "old 4"])
        #expect(after.filter { $0.stream != oldStream }.map(\.text) == ["new 1", "new 2"])
        #expect(source.statistics.rotationsFollowed == 1)
        #expect(source.takeNotices().contains { $0.severity == .info && $0.message.contains("rotation") })

        let rest = try source.records(until: { $0.statistics.openStreams == 1 })
        #expect(rest.isEmpty)
        #expect(source.statistics.openStreams == 1)
        newWriter.write("new 3\n")
        #expect(try source.records(1).map(\.text) == ["new 3"])
    }

    @Test("copytruncate with a shorter new content: a new stream from offset 0, every line written after the copy is read")
    func copyTruncateShorter() throws {
        let dir = TestDirectory()
        let writer = LogWriter(dir.file("app.log"))
        writer.write("a line number 1\na line number 2\na line number 3\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let before = try source.records(3)
        #expect(before.count == 3)

        writer.write("a line number 4\n")
        dir.copy("app.log", "app.log.1")
        dir.truncate("app.log")
        writer.write("b1\nb2\n")

        let after = try source.records(2)
        #expect(after.map(\.text) == ["b1", "b2"])
        #expect(after.map(\.origin) == ["0", "3"])
        #expect(after.allSatisfy { $0.stream != before[0].stream })
        #expect(source.statistics.truncationsDetected == 1)
        #expect(source.takeNotices().contains { $0.severity == .info && $0.message.contains("truncated") })
        writer.write("b3\n")
        #expect(try source.records(1).map(\.text) == ["b3"])
    }

    @Test("copytruncate where the new content outgrows the old offset is caught by the fingerprint")
    func copyTruncateLonger() throws {
        let dir = TestDirectory()
        let writer = LogWriter(dir.file("app.log"))
        writer.write("a1\na2\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let before = try source.records(2)
        #expect(before.count == 2)

        dir.copy("app.log", "app.log.1")
        dir.truncate("app.log")
        let newLines = (1...5).map { "b line \($0) after the truncation" }
        writer.write(newLines.map { $0 + "\n" }.joined())

        let after = try source.records(5)
        #expect(after.map(\.text) == newLines)
        #expect(after.first?.origin == "0")
        #expect(after.allSatisfy { $0.stream != before[0].stream })
        #expect(source.statistics.truncationsDetected == 1)
    }

    @Test("a deleted file is read to its end, its partial last line emitted when it is closed after rotateWait")
    func deletionWhileOpen() throws {
        let dir = TestDirectory()
        let writer = LogWriter(dir.file("app.log"))
        writer.write("before\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(1).map(\.text) == ["before"])

        dir.remove("app.log")
        writer.write("after delete\n")
        writer.write("unfinished")
        #expect(try source.records(1).map(\.text) == ["after delete"])
        let last = try source.records(until: { $0.statistics.openStreams == 0 })
        #expect(last.map(\.text) == ["unfinished"])
        #expect(last.first?.offset == UInt64("before\nafter delete\nunfinished".utf8.count))
        #expect(source.statistics.openStreams == 0)
        #expect(source.statistics.rotationsFollowed == 0)
    }

    @Test("a file replaced by another (mv over it) is a new stream; the old one is read to its end")
    func replacedByRename() throws {
        let dir = TestDirectory()
        let oldWriter = LogWriter(dir.file("app.log"))
        oldWriter.write("old 1\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let before = try source.records(1)

        dir.write("next.tmp", "new 1\n")
        dir.rename("next.tmp", "app.log")
        oldWriter.write("old 2\n")
        let after = try source.records(2)
        #expect(after.filter { $0.stream == before[0].stream }.map(\.text) == ["old 2"])
        #expect(after.filter { $0.stream != before[0].stream }.map(\.text) == ["new 1"])
        #expect(source.statistics.rotationsFollowed == 1)
        _ = try source.records(until: { $0.statistics.openStreams == 1 })
        #expect(source.statistics.openStreams == 1)
    }

    @Test("a file removed and created again under the same name is a new stream")
    func removedAndRecreated() throws {
        let dir = TestDirectory()
        dir.write("app.log", "first file\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let before = try source.records(1)
        dir.remove("app.log")
        dir.write("app.log", "second file\n")
        let after = try source.records(1)
        #expect(after.map(\.text) == ["second file"])
        #expect(after.first?.origin == "0")
        #expect(after.first?.stream != before.first?.stream)
    }
}
