/// What a ``JournalSource`` reads and where it starts.
///
/// ```swift
/// let configuration = JournalSourceConfiguration(matches: ["_SYSTEMD_UNIT=orders.service", "SYSLOG_IDENTIFIER=orders"])
/// ```
public struct JournalSourceConfiguration: Sendable, Hashable {
    /// Journal matches, each `FIELD=value` (exact, binary-safe comparison of the whole value), or the
    /// token `+`.
    ///
    /// libsystemd combines them like `journalctl` does: matches on the *same* field are OR-ed, matches
    /// on *different* fields are AND-ed, and `+` (`sd_journal_add_disjunction`) separates groups that
    /// are OR-ed as a whole. So `["_SYSTEMD_UNIT=a.service", "_SYSTEMD_UNIT=b.service"]` reads both
    /// units, `["_SYSTEMD_UNIT=orders.service", "PRIORITY=3"]` reads only the unit's errors, and
    /// `["_SYSTEMD_UNIT=orders.service", "+", "SYSLOG_IDENTIFIER=orders"]` reads entries of the unit or
    /// with the identifier. Empty (default): every entry.
    public var matches: [String]
    /// Read the journal files in this directory (`sd_journal_open_directory`) instead of the local
    /// journal (`/run/log/journal` and `/var/log/journal`): for a host's journal mounted into a container
    /// (`/var/log/journal/<machine-id>`) or for fixtures. Default `nil`: the local journal.
    public var directory: String?
    /// Where to start when the checkpoint has no journal cursor: `false` (default, like Vector) from the
    /// oldest entry still in the journal, `true` only entries written after the source opened. With a
    /// cursor, reading always resumes after it.
    public var startAtEnd: Bool
    /// The most bytes of `MESSAGE` a record carries (default 1 MiB); longer messages are cut (at a
    /// UTF-8 character boundary when the cut falls inside one) and keep their full length in
    /// `originalLength`. Values below zero count as zero.
    public var maxMessageBytes: Int

    /// The default ``maxMessageBytes``: 1 MiB, the largest canonical line ServiceLog writes.
    public static let defaultMaxMessageBytes = 1 << 20

    /// Creates a configuration; every parameter has the default described on its property.
    public init(
        matches: [String] = [], directory: String? = nil, startAtEnd: Bool = false,
        maxMessageBytes: Int = JournalSourceConfiguration.defaultMaxMessageBytes
    ) {
        self.matches = matches
        self.directory = directory
        self.startAtEnd = startAtEnd
        self.maxMessageBytes = maxMessageBytes
    }
}
