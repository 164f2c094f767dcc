/// A stage that reads records from outside the process: files, the journal.
///
/// Sources own OS resources (file descriptors, an `sd_journal` handle, an inotify instance) and do
/// blocking I/O, so each one is created on, used from and closed on one dedicated thread; it is not
/// `Sendable`. The pipeline calls ``read(limit:timeout:)`` in a loop and checks for shutdown between
/// calls, which is why a read must return (possibly empty) after at most `timeout`.
public protocol RecordSource: AnyObject {
    /// Returns up to `limit` records in stream order, waiting at most `timeout` when none is available
    /// now. An empty array means nothing arrived in time. Throws only when the source cannot go on at
    /// all (a damaged journal it cannot reopen); per-record trouble is counted in ``statistics``.
    func read(limit: Int, timeout: Duration) throws -> [SourceRecord]

    /// Counters since the source was created, for metrics and logs.
    var statistics: SourceStatistics { get }

    /// Problems worth a log line that happened since the last call (a gap in the journal, a file that
    /// could not be opened, a truncation detected), each said once; drained by the caller.
    func takeNotices() -> [SourceNotice]

    /// Releases OS resources. Reads after closing return nothing.
    func close()
}

/// Counters a source keeps; every record not read as-is is counted with its reason.
public struct SourceStatistics: Sendable, Hashable {
    /// Records returned by `read`.
    public var records: Int = 0
    /// Bytes of those records, before any cut.
    public var bytes: Int = 0
    /// Lines cut to the maximum line size (kept, marked).
    public var truncatedLines: Int = 0
    /// Entries skipped because they could not be read (journald `-EBADMSG`), by reason.
    public var skipped: [String: Int] = [:]
    /// Files found truncated in place (copytruncate) and re-read from the start.
    public var truncationsDetected: Int = 0
    /// Rotations followed (a new file behind a watched path).
    public var rotationsFollowed: Int = 0
    /// Streams currently open (files being read).
    public var openStreams: Int = 0

    /// Zero counters.
    public init() {}
}

/// A problem a source met, with what it means for the data.
public struct SourceNotice: Sendable, Hashable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Hashable {
        /// Worth knowing, nothing lost (a rotation followed, a truncation handled).
        case info
        /// Data may be missing or was skipped; the message says how much and why.
        case warning
    }

    /// How bad it is.
    public var severity: Severity
    /// A sentence for the operator: what happened, what it means, what to do.
    public var message: String
    /// Structured details for the log event (`path`, `cursor`, `count`, ...).
    public var details: [String: String]

    /// Creates a notice.
    public init(_ severity: Severity, _ message: String, details: [String: String] = [:]) {
        self.severity = severity
        self.message = message
        self.details = details
    }

    public var description: String { "\(severity.rawValue): \(message)" }
}
