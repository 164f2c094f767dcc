import Foundation
import Glibc
import ShipperCore
import Testing

@testable import ShipperFileSource

/// The in-place rewrite race of the hardening issue: a file truncated and rewritten with the same first
/// bytes (the fingerprint) and grown past the old read offset before the source looks again must be
/// read again from the start, not continued at the old offset (which lost 12,051 of 15,500 lines).
@Suite("File source: rewrite in place", .serialized)
struct RewriteInPlaceTests {
    /// A first line longer than the fingerprint, identical in every version of the file.
    static let header = "# app.log written by the probe " + String(repeating: "=", count: 300)

    /// `count` lines of one version of the file, after the header.
    static func content(_ version: String, lines count: Int) -> String {
        ([header] + (0..<count).map { "\(version)-\($0) the same length every time" }).joined(separator: "\n") + "\n"
    }

    /// The probe: 40 rounds of "read to the end, then rewrite the whole file within a millisecond with
    /// the same header and more lines"; returns (lines written after the first version, lines lost).
    static func probe(rounds: Int, useInotify: Bool) throws -> (written: Int, lost: Int) {
        let dir = TestDirectory()
        dir.write("app.log", content("v0", lines: 200))
        let source = try FileSource(configuration: dir.configuration(useInotify: useInotify), resumeFrom: Checkpoint())
        defer { source.close() }
        _ = try source.records(201)
        var written = 0
        var lost = 0
        for round in 1...rounds {
            let version = "v\(round)"
            let count = 200 + 10 * round
            // One open(O_TRUNC) + write: the rewrite usually takes well under a millisecond (the hard
            // case); on a loaded machine it may take longer, which only makes the round easier, so its
            // duration is not asserted.
            dir.write("app.log", content(version, lines: count))
            written += count
            let read = try source.records(until: { _ in false }, within: 0) + source.records(count + 1, within: 5)
            let seen = Set(read.map(\.text).filter { $0.hasPrefix(version + "-") })
            lost += count - seen.count
        }
        return (written, lost)
    }

    @Test("rewrites within a millisecond with the same header lose no line (inotify)")
    func rewriteWithSameHeaderLosesNothing() throws {
        let (written, lost) = try Self.probe(rounds: 40, useInotify: true)
        #expect(lost == 0, "\(lost) of \(written) lines lost")
    }

    @Test("rewrites within a millisecond with the same header lose no line (polling)")
    func rewriteWithSameHeaderLosesNothingWhenPolling() throws {
        let (written, lost) = try Self.probe(rounds: 10, useInotify: false)
        #expect(lost == 0, "\(lost) of \(written) lines lost")
    }

    @Test("a rewrite to the same size is noticed too (the size alone does not change)")
    func rewriteToTheSameSize() throws {
        let dir = TestDirectory()
        dir.write("app.log", Self.content("aa", lines: 50))
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        #expect(try source.records(51).count == 51)
        dir.write("app.log", Self.content("bb", lines: 50))
        let read = try source.records(51)
        #expect(read.filter { $0.text.hasPrefix("bb-") }.count == 50)
        #expect(source.statistics.truncationsDetected == 1)
    }

    @Test("an ordinary append still continues where it was (no false rewrite)")
    func appendIsNotARewrite() throws {
        let dir = TestDirectory()
        dir.write("app.log", Self.content("a", lines: 100))
        let source = try FileSource(configuration: dir.configuration(), resumeFrom: Checkpoint())
        defer { source.close() }
        let first = try source.records(101)
        for round in 0..<20 {
            dir.append("app.log", "more \(round)\n")
            #expect(try source.records(1).map(\.text) == ["more \(round)"])
        }
        #expect(source.statistics.truncationsDetected == 0)
        #expect(Set(first.map(\.stream)).count == 1)
    }
}
