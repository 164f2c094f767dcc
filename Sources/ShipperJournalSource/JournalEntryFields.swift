#if canImport(Glibc)
import Glibc
#endif

/// The fields of one journal entry the source uses, collected from `sd_journal_enumerate_data` in a
/// single pass over the entry (one `sd_journal_get_data` per field would walk the entry every time).
struct JournalEntryFields {
    /// `MESSAGE`, cut to the limit given to ``take(_:maxMessageBytes:)``.
    var message: [UInt8]?
    /// The length `MESSAGE` had before the cut.
    var messageLength = 0
    /// `_HOSTNAME`.
    var hostname: String?
    /// `SYSLOG_IDENTIFIER`.
    var syslogIdentifier: String?
    /// `_SYSTEMD_UNIT`.
    var systemdUnit: String?
    /// `PRIORITY`.
    var priority: String?
    /// `_PID`.
    var pid: String?
    /// `_COMM`.
    var comm: String?
    /// `_TRANSPORT`.
    var transport: String?

    /// The fields taken, with their `FIELD=` prefix as stored in the journal.
    private enum Field: CaseIterable {
        case message, hostname, syslogIdentifier, systemdUnit, priority, pid, comm, transport

        var prefix: [UInt8] {
            switch self {
            case .message: Array("MESSAGE=".utf8)
            case .hostname: Array("_HOSTNAME=".utf8)
            case .syslogIdentifier: Array("SYSLOG_IDENTIFIER=".utf8)
            case .systemdUnit: Array("_SYSTEMD_UNIT=".utf8)
            case .priority: Array("PRIORITY=".utf8)
            case .pid: Array("_PID=".utf8)
            case .comm: Array("_COMM=".utf8)
            case .transport: Array("_TRANSPORT=".utf8)
            }
        }
    }

    /// Computed once: `prefix` builds arrays, and this runs for every field of every entry.
    private static let prefixes: [(Field, [UInt8])] = Field.allCases.map { ($0, $0.prefix) }

    /// Keeps `data` (`FIELD=value`, as `sd_journal_enumerate_data` returns it) if it is one of the fields
    /// above. The first occurrence of a field wins (journald allows a field twice in one entry).
    mutating func take(_ data: UnsafeRawBufferPointer, maxMessageBytes: Int) {
        guard let base = data.baseAddress else { return }
        for (field, prefix) in Self.prefixes where data.count >= prefix.count {
            guard memcmp(base, prefix, prefix.count) == 0 else { continue }
            let value = UnsafeRawBufferPointer(rebasing: data[prefix.count...])
            switch field {
            case .message:
                guard message == nil else { return }
                messageLength = value.count
                message = Array(value[..<Self.cut(value, at: max(0, maxMessageBytes))])
            case .hostname: if hostname == nil { hostname = Self.string(value) }
            case .syslogIdentifier: if syslogIdentifier == nil { syslogIdentifier = Self.string(value) }
            case .systemdUnit: if systemdUnit == nil { systemdUnit = Self.string(value) }
            case .priority: if priority == nil { priority = Self.string(value) }
            case .pid: if pid == nil { pid = Self.string(value) }
            case .comm: if comm == nil { comm = Self.string(value) }
            case .transport: if transport == nil { transport = Self.string(value) }
            }
            return
        }
    }

    /// Where to cut `value` to at most `limit` bytes: at `limit`, moved back to the start of a UTF-8
    /// character when the cut would split one (so a cut canonical line stays valid UTF-8). Binary
    /// values without a character start in reach are cut at `limit`.
    static func cut(_ value: UnsafeRawBufferPointer, at limit: Int) -> Int {
        guard value.count > limit else { return value.count }
        var index = limit
        // A continuation byte (10xxxxxx) at the cut belongs to a character that started before it.
        while index > 0, limit - index < 4, value[index] & 0xC0 == 0x80 { index -= 1 }
        return value[index] >= 0xC0 ? index : limit
    }

    /// Field values other than `MESSAGE` are text by convention; invalid UTF-8 is repaired, not dropped.
    private static func string(_ value: UnsafeRawBufferPointer) -> String {
        String(decoding: value, as: UTF8.self)
    }
}
