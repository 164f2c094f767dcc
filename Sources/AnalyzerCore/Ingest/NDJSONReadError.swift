import Gzip

/// Why a file could not be read to its end. Lines read before the failure have already been returned.
public enum NDJSONReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened; `reason` is the system's (`No such file or directory`, ...).
    case cannotOpen(file: String, reason: String)
    /// Reading failed midway (an I/O error).
    case readFailed(file: String, reason: String)
    /// The file starts like gzip but is corrupt or ends in the middle of a stream (truncated, or still
    /// being written).
    case gzip(file: String, GzipError)

    /// `FILE: what went wrong`, for an error message.
    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): cannot open: \(reason)"
        case .readFailed(let file, let reason): "\(file): read failed: \(reason)"
        case .gzip(let file, .truncated): "\(file): gzip data ends in the middle of a stream (truncated file?)"
        case .gzip(let file, let error): "\(file): \(error)"
        }
    }
}

/// One line that is not a canonical event.
public struct InvalidLine: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number in the (decompressed) file.
    public var lineNumber: Int
    /// Why the line was rejected, as ``ServiceLog/EventDecodingError`` words it.
    public var reason: String

    /// Creates a record of a rejected line.
    public init(lineNumber: Int, reason: String) {
        self.lineNumber = lineNumber
        self.reason = reason
    }

    /// `LINE: reason`; prefix the file name for `FILE:LINE: reason`.
    public var description: String { "\(lineNumber): \(reason)" }
}
