import Glibc
import ShipperCore
import Testing

@testable import ShipperFileSource

@Suite("File source: notices", .serialized)
struct NoticeTests {
    @Test("a matching path that cannot be opened gives one warning with the path and the reason, not one per read")
    func unopenableWarnsOnce() throws {
        let dir = TestDirectory()
        // A symlink loop fails to open even for root (unlike a mode-000 file).
        dir.symlink("a.log", to: dir.file("b.log"))
        dir.symlink("b.log", to: dir.file("a.log"))
        dir.write("good.log", "fine\n")
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(1).map(\.text) == ["fine"])
        _ = try source.records(during: .milliseconds(400))  // several rescans
        let warnings = source.takeNotices().filter { $0.severity == .warning }
        #expect(warnings.count == 2)
        let reason = String(cString: strerror(ELOOP))
        for name in ["a.log", "b.log"] {
            #expect(warnings.contains { $0.message.contains(dir.file(name)) && $0.message.contains(reason) })
        }
        #expect(source.takeNotices().isEmpty)
    }

    @Test("an unreadable file (mode 000) gives one warning", .enabled(if: getuid() != 0, "root can read mode-000 files"))
    func permissionDenied() throws {
        let dir = TestDirectory()
        dir.write("secret.log", "hidden\n")
        chmod(dir.file("secret.log"), 0)
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        _ = try source.records(during: .milliseconds(400))
        let warnings = source.takeNotices().filter { $0.severity == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.details["path"] == dir.file("secret.log"))
        #expect(warnings.first?.message.contains(String(cString: strerror(EACCES))) == true)
    }
}
