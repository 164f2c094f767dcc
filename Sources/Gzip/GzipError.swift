/// Why compressing or decompressing failed.
public enum GzipError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is not gzip (or zlib) data, or it is corrupt; `message` is zlib's explanation.
    case corrupt(message: String)
    /// The input ended in the middle of a compressed stream.
    case truncated
    /// Decompressing would produce more than the allowed number of bytes (a gzip bomb, or simply too
    /// large): nothing beyond the limit was produced.
    case tooLarge(limit: Int)
    /// zlib failed for another reason (out of memory, bad parameters).
    case zlib(code: Int32)

    public var description: String {
        switch self {
        case .corrupt(let message): "not valid gzip data: \(message)"
        case .truncated: "gzip data ends in the middle of a stream"
        case .tooLarge(let limit): "decompressed data exceeds the \(limit)-byte limit"
        case .zlib(let code): "zlib error \(code)"
        }
    }
}
