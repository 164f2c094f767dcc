import Foundation
import ServiceLog
import ShipperCore
import ShipperJournalSource
import Testing

/// The journal source on journal files made with `systemd-journal-remote`: exact field contents,
/// vacuumed files, foreign cursors and damaged entries.
@Suite(
    .enabled(if: !TestJournald.skipRequested, "SERVICELOG_SKIP_JOURNALD=1: journal file tests skipped"),
    .timeLimit(.minutes(1)))
struct JournalSourceFixtureTests {
    private func open(_ fixture: JournalFixture, matches: [String] = [], checkpoint: Checkpoint = Checkpoint()) throws -> JournalSource {
        try JournalSource(
            configuration: JournalSourceConfiguration(matches: matches, directory: fixture.directory), resumeFrom: checkpoint)
    }

    /// Everything the source has now; files do not change, so a short timeout suffices.
    private func readAll(_ source: JournalSource) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        while true {
            let batch = try source.read(limit: 7, timeout: .milliseconds(50))
            if batch.isEmpty { return records }
            records += batch
        }
    }

    private func checkpoint(after record: SourceRecord) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.advance(past: record)
        return checkpoint
    }

    @Test func mapsFieldsAndCombinesMatchesLikeJournalctl() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let base: UInt64 = 1_764_000_000_123_456
        try fixture.write(
            [
                .init(
                    realtime: base,
                    fields: [
                        ("_SYSTEMD_UNIT", "orders.service"), ("_HOSTNAME", "fixhost"), ("PRIORITY", "3"), ("_PID", "42"),
                        ("_COMM", "orders"), ("_TRANSPORT", "stdout"), ("MESSAGE", "from the unit"),
                    ]),
                .init(
                    realtime: base + 1,
                    fields: [("SYSLOG_IDENTIFIER", "payments"), ("_SYSTEMD_UNIT", "pay.service"), ("MESSAGE", "identifier wins")]),
                .init(realtime: base + 2, fields: [("SYSLOG_IDENTIFIER", "orders"), ("PRIORITY", "6"), ("MESSAGE", "orders info")]),
                .init(realtime: base + 3, fields: [("_SYSTEMD_UNIT", "orders.service"), ("CODE_LINE", "12")]),
                .init(realtime: base + 4, fields: [("_SYSTEMD_UNIT", "backup.timer"), ("PRIORITY", "high"), ("MESSAGE", "odd one")]),
            ], to: "mapping")

        let source = try open(fixture)
        defer { source.close() }
        let records = try readAll(source)
        #expect(TestJournald.messages(records) == ["from the unit", "identifier wins", "orders info", "odd one"])
        #expect(source.statistics.skipped == ["no_message": 1])
        try #require(records.count == 4)

        let unit = records[0].enrichment
        #expect(unit.timestamp == Timestamp(microsecondsSinceEpoch: Int64(base)))
        #expect(unit.timestamp?.description == "2025-11-24T16:00:00.123456Z")
        #expect(unit.host == "fixhost")
        #expect(unit.service == "orders", "_SYSTEMD_UNIT without .service")
        #expect(unit.priority == 3)
        #expect(unit.origin == "journald")
        #expect(unit.attributes == ["systemd_unit": "orders.service", "pid": "42", "comm": "orders", "transport": "stdout"])

        #expect(records[1].enrichment.service == "payments", "SYSLOG_IDENTIFIER before the unit")
        #expect(records[1].enrichment.attributes == ["syslog_identifier": "payments", "systemd_unit": "pay.service"])
        #expect(records[1].enrichment.priority == nil)
        #expect(records[1].enrichment.host == nil)
        #expect(records[3].enrichment.service == "backup.timer", "only .service is dropped")
        #expect(records[3].enrichment.priority == nil, "PRIORITY=high is not a number")

        // Same field: OR. Different fields: AND. "+": OR of the groups.
        let cases: [([String], [String])] = [
            (["_SYSTEMD_UNIT=orders.service", "_SYSTEMD_UNIT=pay.service"], ["from the unit", "identifier wins"]),
            (["_SYSTEMD_UNIT=orders.service", "PRIORITY=3"], ["from the unit"]),
            (["_SYSTEMD_UNIT=pay.service", "+", "SYSLOG_IDENTIFIER=orders"], ["identifier wins", "orders info"]),
            (["SYSLOG_IDENTIFIER=nobody"], []),
        ]
        for (matches, expected) in cases {
            let matched = try open(fixture, matches: matches)
            defer { matched.close() }
            #expect(TestJournald.messages(try readAll(matched)) == expected, "\(matches)")
        }
    }

    @Test func resumesAcrossFilesAndReportsAGapWhenTheCursorsFileIsVacuumed() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        try fixture.write(JournalFixture.numbered(0..<5, identifier: "fx"), to: "older")
        try fixture.write(JournalFixture.numbered(5..<10, identifier: "fx"), to: "newer")

        let all: [SourceRecord]
        do {
            let source = try open(fixture)
            defer { source.close() }
            all = try readAll(source)
        }
        try #require(TestJournald.messages(all) == (0..<10).map { "entry \($0)" })

        // While the files are there, resuming is exact, within a file and across to the next one.
        for (position, expected) in [(2, 3..<10), (4, 5..<10), (7, 8..<10), (9, 10..<10)] {
            let resumed = try open(fixture, checkpoint: checkpoint(after: all[position]))
            defer { resumed.close() }
            #expect(TestJournald.messages(try readAll(resumed)) == expected.map { "entry \($0)" }, "after entry \(position)")
            #expect(resumed.takeNotices().isEmpty)
        }

        // The file holding the cursor's entry is vacuumed: a gap, said and counted, and reading restarts
        // at the oldest entry left.
        try FileManager.default.removeItem(atPath: fixture.path("older"))
        let afterVacuum = try open(fixture, checkpoint: checkpoint(after: all[2]))
        defer { afterVacuum.close() }
        let notices = afterVacuum.takeNotices()
        try #require(notices.count == 1, "\(notices)")
        #expect(notices[0].severity == .warning)
        #expect(notices[0].message.contains("gone"), "\(notices[0].message)")
        #expect(notices[0].message.contains("may be missing"))
        #expect(notices[0].details["cursor"] == all[2].origin)
        #expect(afterVacuum.statistics.skipped == ["cursor_gap": 1])
        #expect(TestJournald.messages(try readAll(afterVacuum)) == (5..<10).map { "entry \($0)" })
        #expect(afterVacuum.takeNotices().isEmpty, "a gap is said once")
    }

    @Test func changedMatchesResumeAfterTheCursorWithoutAGap() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        // Alternating identifiers: even entries "even", odd entries "odd".
        try fixture.write(
            (0..<10).map { index in
                JournalFixture.Entry(
                    realtime: 1_700_000_000_000_000 + UInt64(index),
                    fields: [("SYSLOG_IDENTIFIER", index % 2 == 0 ? "even" : "odd"), ("MESSAGE", "entry \(index)")])
            }, to: "mixed")
        let evens: [SourceRecord]
        do {
            let source = try open(fixture, matches: ["SYSLOG_IDENTIFIER=even"])
            defer { source.close() }
            evens = try readAll(source)
        }
        try #require(TestJournald.messages(evens) == ["entry 0", "entry 2", "entry 4", "entry 6", "entry 8"])

        // Checkpoint at entry 4, now reading "odd" (whose matches exclude entry 4): the entries after it.
        let switched = try open(fixture, matches: ["SYSLOG_IDENTIFIER=odd"], checkpoint: checkpoint(after: evens[2]))
        defer { switched.close() }
        #expect(TestJournald.messages(try readAll(switched)) == ["entry 5", "entry 7", "entry 9"])
        #expect(switched.takeNotices().isEmpty)
        #expect(switched.statistics.skipped.isEmpty)

        // Same with no matches at all.
        let everything = try open(fixture, checkpoint: checkpoint(after: evens[2]))
        defer { everything.close() }
        #expect(TestJournald.messages(try readAll(everything)) == (5..<10).map { "entry \($0)" })
    }

    @Test func aForeignOrMalformedCursorIsAGapNotAStall() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        try fixture.write(JournalFixture.numbered(0..<4, identifier: "fx"), to: "here")
        let elsewhere = try JournalFixture()
        defer { elsewhere.remove() }
        // Later than everything in `fixture`: seeking to it alone would find nothing to read, ever.
        try elsewhere.write(JournalFixture.numbered(0..<1, identifier: "fx", base: 1_800_000_000_000_000), to: "there")
        let foreign: SourceRecord
        do {
            let source = try open(elsewhere)
            defer { source.close() }
            foreign = try #require(try readAll(source).first)
        }

        for (cursor, wording) in [(foreign.origin, "gone"), ("not-a-cursor", "not valid")] {
            var checkpoint = Checkpoint()
            checkpoint[.journal] = .journal(cursor: cursor)
            let source = try open(fixture, checkpoint: checkpoint)
            defer { source.close() }
            let notices = source.takeNotices()
            #expect(notices.count == 1 && notices.first?.message.contains(wording) == true, "\(cursor): \(notices)")
            #expect(source.statistics.skipped == ["cursor_gap": 1])
            #expect(TestJournald.messages(try readAll(source)) == (0..<4).map { "entry \($0)" }, "\(cursor)")
        }
    }

    @Test func damagedEntriesAreSkippedCountedAndSaidOnce() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        var entries = JournalFixture.numbered(0..<30, identifier: "fx")
        // Over 512 bytes and repetitive: stored compressed, so their compression flags can be damaged.
        for index in [10, 20] {
            entries[index].fields[2].1 = "entry \(index) " + String(repeating: "compressible ", count: 300)
        }
        entries[5].fields[2].1 = "entry 5 DAMAGED-OBJECT-TYPE"
        try fixture.write(entries, to: "damaged")

        // Intact, every entry reads.
        do {
            let source = try open(fixture)
            defer { source.close() }
            #expect(try readAll(source).count == 30)
        }

        var file = try JournalFileObjects(path: fixture.path("damaged"))
        let compressed = file.objects.filter { $0.type == 1 && $0.flags != 0 }
        try #require(compressed.count == 2, "expected the two long messages to be stored compressed, found \(compressed.count)")
        // XZ and LZ4 at once: libsystemd cannot decompress the field and enumerate_data fails
        // (-EPROTONOSUPPORT). libsystemd 252 does not verify payload hashes on read, and it silently
        // skips data and entry objects whose headers are broken, so this is the per-entry error that
        // reaches the caller.
        for object in compressed { file.bytes[object.offset + 1] = 0x03 }
        // A data object whose type byte is wrong: libsystemd drops the field, the entry has no MESSAGE.
        let marked = file.dataObjects(containing: "DAMAGED-OBJECT-TYPE")
        try #require(marked.count == 1)
        file.bytes[marked[0].offset] = 3
        try file.write(to: fixture.path("damaged"))

        let source = try open(fixture)
        defer { source.close() }
        let records = try readAll(source)
        #expect(TestJournald.messages(records) == (0..<30).filter { ![5, 10, 20].contains($0) }.map { "entry \($0)" })
        #expect(source.statistics.skipped == ["corrupt_entry": 2, "no_message": 1])
        let notices = source.takeNotices()
        try #require(notices.count == 1, "\(notices)")
        #expect(notices[0].severity == .warning)
        #expect(notices[0].message.contains("could not be read"))
        #expect(notices[0].details["step"] == "sd_journal_enumerate_data")
        #expect(notices[0].details["cursor"] != nil)
        // Nothing stuck: the next read just finds nothing new.
        #expect(try source.read(limit: 10, timeout: .milliseconds(100)).isEmpty)
    }

    @Test func openingFailuresSayWhatToDo() throws {
        let missing = "/nonexistent/jsource-\(UInt64.random(in: 0..<UInt64.max))"
        let error = try #require(throws: JournalSourceError.self) {
            try JournalSource(configuration: JournalSourceConfiguration(directory: missing), resumeFrom: Checkpoint())
        }
        #expect(error.message.contains(missing))
        #expect(error.message.contains("No such file or directory"))
        #expect(error.code == -ENOENT)

        let fixture = try JournalFixture()
        defer { fixture.remove() }
        for match in ["orders", "lower=case", ""] {
            let invalid = try #require(throws: JournalSourceError.self, "\(match)") {
                try JournalSource(
                    configuration: JournalSourceConfiguration(matches: [match], directory: fixture.directory), resumeFrom: Checkpoint())
            }
            #expect(invalid.message.contains("invalid journal match \"\(match)\""))
        }
    }
}
