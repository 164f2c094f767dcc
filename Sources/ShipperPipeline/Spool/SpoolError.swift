/// Why the spool could not do what was asked.
public enum SpoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file operation failed (full disk, permissions): the operation, the path and `strerror`.
    case io(operation: String, path: String, reason: String)
    /// A record that passed its checksum did not decode (a bug or a foreign file in the directory).
    case corrupt(String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let reason):
            "spool: cannot \(operation) \(path): \(reason)"
        case .corrupt(let reason):
            "spool: damaged record: \(reason)"
        }
    }
}
