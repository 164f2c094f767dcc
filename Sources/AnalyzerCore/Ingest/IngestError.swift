/// Why a whole ingest request is refused. Problems with single lines are not errors: they are counted
/// in ``IngestBatch`` and the valid lines proceed.
public enum IngestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body on the wire is larger than ``IngestLimits/maxBodyBytes`` (413).
    case bodyTooLarge(limit: Int)
    /// The body inflates to more than ``IngestLimits/maxDecompressedBytes`` (413).
    case decompressedTooLarge(limit: Int)
    /// The `Content-Encoding` is neither absent, `identity` nor `gzip` (415).
    case unsupportedEncoding(String)
    /// The body claims to be gzip but is not, or ends mid-stream (400).
    case corruptCompression(String)
    /// zlib itself failed (out of memory, ...): the analyzer's problem, not the sender's (500, so that
    /// the sender retries instead of dropping the batch).
    case decompressorFailed(String)

    /// A sentence for the sender, saying what to change.
    public var description: String {
        switch self {
        case .bodyTooLarge(let limit):
            "request body exceeds the \(limit)-byte limit; send smaller batches"
        case .decompressedTooLarge(let limit):
            "decompressed request body exceeds the \(limit)-byte limit; send smaller batches"
        case .unsupportedEncoding(let encoding):
            "unsupported Content-Encoding '\(encoding.prefix(40))'; use gzip or none"
        case .corruptCompression(let reason):
            "cannot decompress the request body: \(reason)"
        case .decompressorFailed(let reason):
            "the analyzer could not decompress the request body: \(reason)"
        }
    }
}
