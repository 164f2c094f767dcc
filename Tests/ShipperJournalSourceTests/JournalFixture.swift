import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory of journal files made by `systemd-journal-remote` from journal export format,
/// so tests control every field (timestamps, `_SYSTEMD_UNIT`, `_HOSTNAME`) and can damage files.
struct JournalFixture {
    static let journalRemote = "/lib/systemd/systemd-journal-remote"

    /// The directory; pass it as ``JournalSourceConfiguration/directory``.
    let directory: String

    /// Creates an empty temporary directory; fails with instructions when `systemd-journal-remote` is
    /// missing.
    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.journalRemote),
            "\(Self.journalRemote) is missing: `apt-get install systemd-journal-remote` (or set SERVICELOG_SKIP_JOURNALD=1)",
            sourceLocation: sourceLocation)
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jsource-fixture-\(UInt64.random(in: 0..<UInt64.max))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Deletes the directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The path of journal file `name` (without `.journal`).
    func path(_ name: String) -> String { "\(directory)/\(name).journal" }

    /// A fixture entry: `fields` in order, plus `__REALTIME_TIMESTAMP`, `__MONOTONIC_TIMESTAMP` and a fixed
    /// `_BOOT_ID` (export format needs them). Values must not contain newlines.
    struct Entry {
        var realtime: UInt64
        var fields: [(String, String)]
    }

    /// Writes `entries` into the journal file `name` with `systemd-journal-remote`.
    func write(_ entries: [Entry], to name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var export = ""
        for entry in entries {
            export += "__REALTIME_TIMESTAMP=\(entry.realtime)\n"
            export += "__MONOTONIC_TIMESTAMP=\(entry.realtime % 1_000_000_000_000)\n"
            export += "_BOOT_ID=5a5e1f0c3b2d4e6f8a9b0c1d2e3f4a5b\n"
            for (field, value) in entry.fields { export += "\(field)=\(value)\n" }
            export += "\n"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.journalRemote)
        process.arguments = ["-o", path(name), "-"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(export.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "systemd-journal-remote failed for \(name)", sourceLocation: sourceLocation)
    }

    /// Entries `range` with `SYSLOG_IDENTIFIER=identifier` and `MESSAGE=<prefix> <n>`, one microsecond apart
    /// starting at `base + n`.
    static func numbered(_ range: Range<Int>, identifier: String, prefix: String = "entry", base: UInt64 = 1_700_000_000_000_000) -> [Entry] {
        range.map { index in
            Entry(
                realtime: base + UInt64(index),
                fields: [("SYSLOG_IDENTIFIER", identifier), ("PRIORITY", "6"), ("MESSAGE", "\(prefix) \(index)")])
        }
    }
}
