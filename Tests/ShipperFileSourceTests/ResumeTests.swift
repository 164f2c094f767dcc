import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: resuming from a checkpoint", .serialized)
struct ResumeTests {
    @Test("a still-present file resumes exactly at the checkpointed offset: no duplicate, no gap")
    func resumeExactOffset() throws {
        let dir = TestDirectory()
        dir.write("app.log", "l1\nl2\nl3\n")
        var checkpoint = Checkpoint()
        let stream: StreamID
        do {
            let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
            let records = try source.records(3)
            #expect(records.count == 3)
            checkpoint.advance(past: records[1])  // l3 read but not acknowledged
            stream = records[0].stream
            source.close()
        }
        dir.append("app.log", "l4\n")
        let source = try FileSource(configuration: dir.configuration(startAtEnd: true), resumeFrom: checkpoint)
        defer { source.close() }
        let records = try source.records(2)
        #expect(records.map(\.text) == ["l3", "l4"])
        #expect(records.map(\.origin) == ["6", "9"])
        #expect(records.allSatisfy { $0.stream == stream })
        #expect(try source.records(during: .milliseconds(200)).isEmpty)
    }

    @Test("a file rotated while stopped is found again in its directory, read from the checkpoint to its end and closed; the new file is read from 0")
    func rotationWhileStopped() throws {
        let dir = TestDirectory()
        dir.write("app.log", "l1\nl2\n")
        var checkpoint = Checkpoint()
        let stream: StreamID
        do {
            let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
            let records = try source.records(2)
            #expect(records.count == 2)
            for record in records { checkpoint.advance(past: record) }
            stream = records[0].stream
            source.close()
        }
        dir.append("app.log", "l3\n")
        dir.rename("app.log", "app.log.1")
        dir.write("app.log", "n1\n")

        // startAtEnd must not skip the successor of a checkpointed file.
        let source = try FileSource(configuration: dir.configuration(startAtEnd: true), resumeFrom: checkpoint)
        defer { source.close() }
        let records = try source.records(2)
        #expect(records.filter { $0.stream == stream }.map(\.text) == ["l3"])
        #expect(records.filter { $0.stream == stream }.map(\.origin) == ["6"])
        #expect(records.filter { $0.stream != stream }.map(\.text) == ["n1"])
        #expect(records.filter { $0.stream != stream }.map(\.origin) == ["0"])
        #expect(source.statistics.rotationsFollowed == 1)
        _ = try source.records(until: { $0.statistics.openStreams == 1 })
        #expect(source.statistics.openStreams == 1)
        dir.append("app.log", "n2\n")
        #expect(try source.records(1).map(\.text) == ["n2"])
    }

    @Test("same device and inode with other first bytes (inode reuse, rewrite) is a new stream from offset 0")
    func inodeReuse() throws {
        let dir = TestDirectory()
        dir.write("app.log", "first content\n")
        var checkpoint = Checkpoint()
        let stream: StreamID
        do {
            let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
            let records = try source.records(1)
            checkpoint.advance(past: try #require(records.first))
            stream = records[0].stream
            source.close()
        }
        let before = dir.identity("app.log")
        dir.write("app.log", "other stuff here\nmore\n")  // O_TRUNC: same inode, new content
        #expect(dir.identity("app.log") == before)

        let source = try FileSource(configuration: dir.configuration(), resumeFrom: checkpoint)
        defer { source.close() }
        let records = try source.records(2)
        #expect(records.map(\.text) == ["other stuff here", "more"])
        #expect(records.first?.origin == "0")
        #expect(records.allSatisfy { $0.stream != stream })
    }

    @Test("startAtEnd skips what files held at start (from their last line end); later files are read from 0")
    func startAtEnd() throws {
        let dir = TestDirectory()
        dir.write("app.log", "old 1\nold 2\nhalf")
        let source = try FileSource(configuration: dir.configuration(startAtEnd: true), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(during: .milliseconds(200)).isEmpty)
        dir.append("app.log", " done\nnew\n")
        let records = try source.records(2)
        #expect(records.map(\.text) == ["half done", "new"])
        #expect(records.first?.origin == "12")
        dir.write("later.log", "from the start\n")
        #expect(try source.records(1).map(\.text) == ["from the start"])
    }
}
