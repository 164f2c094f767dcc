import CSystemd
import ServiceLog
import ShipperCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads journald entries as ``SourceRecord``s: the local journal, or the journal files of a directory.
///
/// - Each record is one entry: `bytes` is the raw `MESSAGE` (binary-safe; a ServiceLog service writing
///   through `JournalOutput` puts its canonical JSON line there), `origin` and `position` are the
///   entry's cursor, and the enrichment carries `__REALTIME_TIMESTAMP`, `_HOSTNAME`, the service
///   (`SYSLOG_IDENTIFIER`, else `_SYSTEMD_UNIT` without `.service`), `PRIORITY`, `origin = "journald"`
///   and the attributes `systemd_unit`, `pid`, `syslog_identifier`, `comm`, `transport` when present.
/// - Entries without `MESSAGE` are skipped and counted as `skipped["no_message"]`; entries libsystemd
///   cannot read are skipped and counted as `skipped["corrupt_entry"]` (with one notice).
/// - Resuming from a cursor is exact: the first matching entry after the checkpoint's cursor comes
///   next (also when the matches changed since). When that cursor's entry is gone (vacuumed, or the
///   journal is another one) or the cursor is malformed, reading restarts at the oldest entry with a
///   warning notice and `skipped["cursor_gap"]`, never silently.
///
/// `sd_journal` handles are not thread-safe: like every ``RecordSource``, create, use and close the
/// source on one thread. ``read(limit:timeout:)`` blocks in `sd_journal_wait` (inotify) while there is
/// nothing to read.
public final class JournalSource: RecordSource {
    /// The configuration the source was opened with.
    public let configuration: JournalSourceConfiguration

    /// The open journal; `nil` once closed.
    private var journal: OpaquePointer?
    private var counters = SourceStatistics()
    private var pendingNotices: [SourceNotice] = []
    /// Notice kinds said already: trouble that repeats per entry is said once and then only counted.
    private var noticeKindsSaid: Set<String> = []

    /// Consecutive `sd_journal_next` failures after which a read gives up until the journal changes,
    /// so a damaged spot libsystemd cannot step over does not spin the thread.
    private static let maxConsecutiveNextErrors = 16

    /// Opens the journal, installs the matches and positions the source.
    ///
    /// - Parameters:
    ///   - configuration: what to read and where to start without a cursor.
    ///   - checkpoint: a checkpoint whose `.journal` position (a cursor) is the last entry already
    ///     shipped; reading continues with the entry after it.
    /// - Throws: ``JournalSourceError`` when the journal cannot be opened or a match is invalid.
    public init(configuration: JournalSourceConfiguration, resumeFrom checkpoint: Checkpoint) throws {
        self.configuration = configuration
        var handle: OpaquePointer?
        let opened: Int32
        if let directory = configuration.directory {
            opened = sd_journal_open_directory(&handle, directory, 0)
        } else {
            opened = sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
        }
        guard opened >= 0, let handle else {
            throw JournalSourceError(message: Self.openFailure(opened, directory: configuration.directory), code: opened)
        }
        journal = handle
        do {
            // Default 64 KiB: libsystemd may then return compressed fields cut to it (documented; 252 with
            // zstd happens not to), and originalLength would be wrong.
            _ = sd_journal_set_data_threshold(handle, 0)
            // Sets up the inotify watches now, before the first read. Left to the first
            // `sd_journal_wait`, an entry journald stored between the read reaching the end and that
            // wait would not wake it (seen once in CI: the fifth of five entries arrived 20 s late).
            // A failure is handled where waiting is (it falls back to polling).
            _ = sd_journal_get_fd(handle)
            try Self.addMatches(configuration.matches, to: handle)
            try position(handle, checkpoint: checkpoint)
        } catch {
            close()
            throw error
        }
        counters.openStreams = 1
    }

    deinit {
        close()
    }

    /// Counters since the source was opened. `skipped` uses the reasons `no_message`, `corrupt_entry`
    /// and `cursor_gap`; `rotationsFollowed` counts journal file set changes (`SD_JOURNAL_INVALIDATE`).
    public var statistics: SourceStatistics { counters }

    /// Returns and forgets the notices collected since the last call.
    public func takeNotices() -> [SourceNotice] {
        defer { pendingNotices.removeAll() }
        return pendingNotices
    }

    /// Returns up to `limit` matching entries in journal order. When none is available it waits for new
    /// entries in `sd_journal_wait` until one arrives or `timeout` has passed (then returns `[]`).
    /// Returns `[]` after ``close()``.
    public func read(limit: Int, timeout: Duration) throws -> [SourceRecord] {
        guard let journal, limit > 0 else { return [] }
        let deadline = ContinuousClock.now + timeout
        var records: [SourceRecord] = []
        while true {
            let stuck = drain(journal, into: &records, limit: limit)
            if !records.isEmpty { return records }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return [] }
            if stuck {
                // Nothing to gain from asking again before the journal changes.
                wait(journal, for: remaining, retryNext: false, deadline: deadline)
                return []
            }
            wait(journal, for: remaining, retryNext: true, deadline: deadline)
        }
    }

    /// Closes the journal (`sd_journal_close`). Idempotent.
    public func close() {
        guard let journal else { return }
        sd_journal_close(journal)
        self.journal = nil
        counters.openStreams = 0
    }

    // MARK: - Reading

    /// Moves through entries until `limit` records are collected or the journal has no more. Returns
    /// `true` when it stopped because `sd_journal_next` kept failing.
    private func drain(_ journal: OpaquePointer, into records: inout [SourceRecord], limit: Int) -> Bool {
        var consecutiveErrors = 0
        while records.count < limit {
            let moved = sd_journal_next(journal)
            if moved == 0 { return false }
            if moved < 0 {
                corruptEntry(moved, step: "sd_journal_next", cursor: nil)
                consecutiveErrors += 1
                if consecutiveErrors >= Self.maxConsecutiveNextErrors { return true }
                continue
            }
            consecutiveErrors = 0
            if let record = currentRecord(journal) {
                records.append(record)
                counters.records += 1
                counters.bytes += record.originalLength
                if record.isTruncated { counters.truncatedLines += 1 }
            }
        }
        return false
    }

    /// The record for the entry the journal is on, or `nil` when the entry is skipped (and counted).
    private func currentRecord(_ journal: OpaquePointer) -> SourceRecord? {
        var cursorText: UnsafeMutablePointer<CChar>?
        let gotCursor = sd_journal_get_cursor(journal, &cursorText)
        guard gotCursor >= 0, let cursorText else {
            corruptEntry(gotCursor, step: "sd_journal_get_cursor", cursor: nil)
            return nil
        }
        let cursor = String(cString: cursorText)
        free(cursorText)

        var realtime: UInt64 = 0
        let gotTime = sd_journal_get_realtime_usec(journal, &realtime)
        guard gotTime >= 0 else {
            corruptEntry(gotTime, step: "sd_journal_get_realtime_usec", cursor: cursor)
            return nil
        }

        var fields = JournalEntryFields()
        sd_journal_restart_data(journal)
        while true {
            var data: UnsafeRawPointer?
            var length = 0
            let got = sd_journal_enumerate_data(journal, &data, &length)
            if got == 0 { break }
            guard got > 0, let data else {
                // libsystemd 252 skips data objects it finds damaged itself; what reaches here is, for
                // example, a field whose compression it cannot undo (-EPROTONOSUPPORT, -EFBIG).
                corruptEntry(got < 0 ? got : -EBADMSG, step: "sd_journal_enumerate_data", cursor: cursor)
                return nil
            }
            fields.take(UnsafeRawBufferPointer(start: data, count: length), maxMessageBytes: configuration.maxMessageBytes)
        }

        guard let message = fields.message else {
            counters.skipped["no_message", default: 0] += 1
            return nil
        }
        return SourceRecord(
            bytes: message, originalLength: fields.messageLength, stream: .journal, origin: cursor,
            position: .journal(cursor: cursor), enrichment: Self.enrichment(fields, realtime: realtime))
    }

    /// Maps the entry's fields to the record's enrichment.
    private static func enrichment(_ fields: JournalEntryFields, realtime: UInt64) -> Enrichment {
        var attributes: [String: String] = [:]
        attributes["systemd_unit"] = fields.systemdUnit
        attributes["pid"] = fields.pid
        attributes["syslog_identifier"] = fields.syslogIdentifier
        attributes["comm"] = fields.comm
        attributes["transport"] = fields.transport
        var service = fields.syslogIdentifier
        if service == nil, let unit = fields.systemdUnit {
            service = unit.hasSuffix(".service") ? String(unit.dropLast(".service".count)) : unit
        }
        return Enrichment(
            timestamp: Timestamp(microsecondsSinceEpoch: Int64(clamping: realtime)), host: fields.hostname,
            service: service, priority: fields.priority.flatMap { Int($0) }, origin: "journald",
            attributes: attributes)
    }

    /// Blocks until the journal changes or `remaining` has passed. With `retryNext` false it keeps
    /// waiting until the deadline, whatever changes.
    private func wait(_ journal: OpaquePointer, for remaining: Duration, retryNext: Bool, deadline: ContinuousClock.Instant) {
        var left = remaining
        while left > .zero {
            let result = sd_journal_wait(journal, Self.microseconds(left))
            if result < 0 {
                // No inotify (limits exhausted, odd file system): poll instead of failing the pipeline.
                notice(
                    kind: "wait_failed", .warning,
                    "cannot watch the journal for new entries (sd_journal_wait: \(JournalSourceError.text(result))); polling every second instead; raise fs.inotify.max_user_instances/max_user_watches to fix",
                    details: ["error": JournalSourceError.text(result)])
                let nap = min(left, .seconds(1))
                var request = timespec(tv_sec: Int(nap.components.seconds), tv_nsec: Int(nap.components.attoseconds / 1_000_000_000))
                _ = nanosleep(&request, nil)
            } else if result == Int32(SD_JOURNAL_INVALIDATE) {
                // Files were added or removed (rotation, vacuum); sd_journal_next continues across them.
                counters.rotationsFollowed += 1
            }
            if retryNext { return }
            left = deadline - ContinuousClock.now
        }
    }

    private static func microseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        // Round up: a 0 µs wait returns at once, and the caller would spin through its last microsecond.
        return UInt64(seconds) * 1_000_000 + UInt64((attoseconds + 999_999_999_999) / 1_000_000_000_000)
    }

    // MARK: - Opening

    /// Installs `matches` (`FIELD=value` or `+`).
    private static func addMatches(_ matches: [String], to journal: OpaquePointer) throws {
        for match in matches {
            if match == "+" {
                let result = sd_journal_add_disjunction(journal)
                guard result >= 0 else {
                    throw JournalSourceError(
                        message: "journal match \"+\" rejected: \(JournalSourceError.text(result))", code: result)
                }
                continue
            }
            let bytes = Array(match.utf8)
            // An explicit size: sd_journal_add_match would take 0 as "use strlen", and "" is no match.
            let result = bytes.isEmpty ? -EINVAL : sd_journal_add_match(journal, bytes, bytes.count)
            guard result >= 0 else {
                throw JournalSourceError(
                    message: "invalid journal match \"\(match)\": \(JournalSourceError.text(result)); expected FIELD=value with FIELD of A-Z, 0-9 and _ (e.g. _SYSTEMD_UNIT=orders.service), or \"+\"",
                    code: result)
            }
        }
    }

    /// Seeks to where reading starts: after the checkpoint's cursor, or to the head or the tail.
    private func position(_ journal: OpaquePointer, checkpoint: Checkpoint) throws {
        guard case .journal(let cursor)? = checkpoint[.journal] else {
            if configuration.startAtEnd {
                _ = sd_journal_seek_tail(journal)
                // After seek_tail libsystemd versions disagree on what next() returns; stepping back onto
                // the last entry (if any) makes the next next() return only entries written from now on.
                _ = sd_journal_previous(journal)
            } else {
                _ = sd_journal_seek_head(journal)
            }
            return
        }
        let sought = sd_journal_seek_cursor(journal, cursor)
        if sought >= 0 {
            let moved = sd_journal_next(journal)
            // On the cursor's own entry: it was shipped, and the next next() returns the one after it.
            if moved > 0, sd_journal_test_cursor(journal, cursor) > 0 { return }
            // With matches, the entry may still be there but no longer match (the matches changed since
            // the checkpoint): look without them. Then the first matching entry after it comes next.
            if !configuration.matches.isEmpty {
                sd_journal_flush_matches(journal)
                let exists =
                    sd_journal_seek_cursor(journal, cursor) >= 0 && sd_journal_next(journal) > 0
                    && sd_journal_test_cursor(journal, cursor) > 0
                try Self.addMatches(configuration.matches, to: journal)
                if exists, sd_journal_seek_cursor(journal, cursor) >= 0 { return }
            }
        }
        let reason =
            sought < 0
            ? "the saved journal cursor is not valid (\(JournalSourceError.text(sought)))"
            : "the saved journal position is gone (its journal files were rotated or vacuumed away, or this is a different journal)"
        counters.skipped["cursor_gap", default: 0] += 1
        notice(
            kind: "cursor_gap", .warning,
            "\(reason): events written between it and the oldest entry still in the journal may be missing; reading restarts at the oldest available entry",
            details: ["cursor": cursor])
        _ = sd_journal_seek_head(journal)
    }

    private static func openFailure(_ code: Int32, directory: String?) -> String {
        let text = JournalSourceError.text(code)
        if let directory {
            return "cannot open the journal files in \(directory) (sd_journal_open_directory: \(text)); check that the directory exists, holds *.journal files and is readable by this user (root or group systemd-journal)"
        }
        return "cannot open the local journal (sd_journal_open: \(text)); run as root or as a member of the systemd-journal group, and check that /run/log/journal or /var/log/journal exists"
    }

    // MARK: - Trouble

    /// Counts an entry that could not be read and says so once.
    private func corruptEntry(_ code: Int32, step: String, cursor: String?) {
        counters.skipped["corrupt_entry", default: 0] += 1
        var details = ["error": JournalSourceError.text(code), "step": step]
        details["cursor"] = cursor
        notice(
            kind: "corrupt_entry", .warning,
            "skipped a journal entry that could not be read (\(step): \(JournalSourceError.text(code))); the journal file is probably damaged; further such entries are only counted (skipped[\"corrupt_entry\"])",
            details: details)
    }

    private func notice(kind: String, _ severity: SourceNotice.Severity, _ message: String, details: [String: String]) {
        // A gap is per open and said every time; the others only once per source.
        guard kind == "cursor_gap" || noticeKindsSaid.insert(kind).inserted else { return }
        pendingNotices.append(SourceNotice(severity, message, details: details))
    }
}
