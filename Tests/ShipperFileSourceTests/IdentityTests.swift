import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: file identity", .serialized)
struct IdentityTests {
    /// An independent FNV-1a, to check the source's spelling against.
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test("FNV-1a matches the published test vectors")
    func hashVectors() {
        for (text, expected) in [("", 0xcbf2_9ce4_8422_2325), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)] as [(String, UInt64)] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { FileIdentity.fnv1a($0) } == expected)
        }
    }

    @Test("a file shorter than fingerprintBytes is read at once; its stream ID hashes all its bytes")
    func shortFileStreamID() throws {
        let dir = TestDirectory()
        dir.write("app.log", "hello\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let records = try source.records(1)
        let (device, inode) = dir.identity("app.log")
        #expect(records.map(\.text) == ["hello"])
        #expect(records.first?.stream.rawValue == "file:\(device):\(inode):6:\(Self.fnv1a("hello\n".utf8))")
    }

    @Test("the fingerprint covers at most fingerprintBytes bytes")
    func longFileStreamID() throws {
        let dir = TestDirectory()
        dir.write("app.log", "0123456789abcdef\n")
        let source = try FileSource(configuration: dir.configuration(fingerprintBytes: 8), resumeFrom: Checkpoint())
        defer { source.close() }
        let records = try source.records(1)
        let (device, inode) = dir.identity("app.log")
        #expect(records.first?.stream.rawValue == "file:\(device):\(inode):8:\(Self.fnv1a("01234567".utf8))")
    }

    @Test("an empty file is not a stream until its first byte; then it is read from the start")
    func emptyFileBecomesStream() throws {
        let dir = TestDirectory()
        dir.write("app.log", "")
        let source = try FileSource(configuration: dir.configuration(startAtEnd: true), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(during: .milliseconds(200)).isEmpty)
        dir.append("app.log", "first\n")
        let records = try source.records(1)
        let (device, inode) = dir.identity("app.log")
        #expect(records.map(\.text) == ["first"])
        #expect(records.first?.stream.rawValue == "file:\(device):\(inode):6:\(Self.fnv1a("first\n".utf8))")
    }

    @Test("stream IDs parse back; other spellings do not")
    func parsing() {
        let identity = FileIdentity(key: FileKey(device: 2049, inode: 1_837_261), fingerprintLength: 256, fingerprintHash: 0xab)
        #expect(identity.streamID.rawValue == "file:2049:1837261:256:00000000000000ab")
        #expect(FileIdentity(streamID: identity.streamID) == identity)
        #expect(FileIdentity(streamID: .journal) == nil)
        #expect(FileIdentity(streamID: StreamID("file:1:2:0:ab")) == nil)
        #expect(FileIdentity(streamID: StreamID("file:1:2:ab")) == nil)
    }
}
