/// Where to resume a stream: the point just after the last record taken from it.
public enum StreamPosition: Hashable, Sendable, Codable {
    /// A byte offset in a file, just after a line's newline, with the path the file had when it was
    /// read (a hint for finding it again after a rotation while the shipper was stopped).
    case file(path: String, offset: UInt64)
    /// A journald cursor (`sd_journal_get_cursor`): resume with the entry after it.
    case journal(cursor: String)
}
