import ServiceLog

/// One unit read by a source: a line of a file, or one journal entry, before it becomes an event.
///
/// Records are plain values so that each stage (source, transform, batch, spool, sink) can be tested
/// alone with hand-made input.
public struct SourceRecord: Sendable, Hashable {
    /// The line without its newline, or the journal entry's `MESSAGE`. Not necessarily valid UTF-8.
    public var bytes: [UInt8]
    /// The length the line had before it was cut to the maximum line size; equal to `bytes.count`
    /// when it was not cut.
    public var originalLength: Int
    /// The stream the record belongs to.
    public var stream: StreamID
    /// A stable name for this record's place in its stream, unique within the stream and the same
    /// every time the record is read again (after a restart): the file offset where the line starts,
    /// or the journal cursor. Derived `event_id`s are built from `stream` + `origin`.
    public var origin: String
    /// Where to resume after this record.
    public var position: StreamPosition
    /// What the source knows about the record besides its text.
    public var enrichment: Enrichment

    /// Creates a record.
    public init(
        bytes: [UInt8], originalLength: Int? = nil, stream: StreamID, origin: String,
        position: StreamPosition, enrichment: Enrichment = Enrichment()
    ) {
        self.bytes = bytes
        self.originalLength = originalLength ?? bytes.count
        self.stream = stream
        self.origin = origin
        self.position = position
        self.enrichment = enrichment
    }

    /// Whether the line was cut because it exceeded the maximum line size.
    public var isTruncated: Bool { originalLength > bytes.count }
}

/// Source-side facts about a record, used to fill in events made from non-canonical lines and to tag
/// canonical ones with where they came from.
public struct Enrichment: Sendable, Hashable {
    /// When the source saw the record (journald's `__REALTIME_TIMESTAMP`); `nil` for file lines.
    public var timestamp: Timestamp?
    /// The host the record was written on (`_HOSTNAME`).
    public var host: String?
    /// A service name guessed by the source (`SYSLOG_IDENTIFIER`, or the unit without `.service`).
    public var service: String?
    /// A syslog priority 0 (emerg) ... 7 (debug), when the source has one (`PRIORITY`).
    public var priority: Int?
    /// The file path or `journald`, recorded on events made from non-canonical lines.
    public var origin: String?
    /// Further source fields worth keeping (`_SYSTEMD_UNIT`, `_PID`, ...), added as attributes of
    /// events made from non-canonical lines.
    public var attributes: [String: String]

    /// Creates enrichment.
    public init(
        timestamp: Timestamp? = nil, host: String? = nil, service: String? = nil, priority: Int? = nil,
        origin: String? = nil, attributes: [String: String] = [:]
    ) {
        self.timestamp = timestamp
        self.host = host
        self.service = service
        self.priority = priority
        self.origin = origin
        self.attributes = attributes
    }
}
