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
    /// More lines than ``IngestLimits/maxLines`` (413: the shipper splits the batch).
    case tooManyLines(limit: Int)
    /// Requests in progress hold ``IngestLimits/maxInFlightBytes`` already (503 + `Retry-After`).
    case busy(limit: Int)
    /// The body did not arrive within the server's body timeout (408: the sender may retry).
    case bodyTimeout(seconds: Int64)
    /// The `Content-Type` is not NDJSON or JSON (415).
    case unsupportedContentType(String?)
    /// The `Origin` is another site's: a web page trying to post events (403).
    case crossOrigin(origin: String, expected: String)

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
        case .tooManyLines(let limit):
            "request body has more than \(limit) lines; send smaller batches"
        case .busy(let limit):
            "the analyzer is decoding \(limit) bytes of other requests already; retry after Retry-After seconds"
        case .bodyTimeout(let seconds):
            "the request body did not arrive within \(seconds) s; retry"
        case .unsupportedContentType(let type):
            "Content-Type '\((type ?? "none").prefix(60))' is not accepted; send NDJSON with 'Content-Type: application/x-ndjson' "
                + "(or application/json)"
        case .crossOrigin(let origin, let expected):
            "refusing a request from the web page at '\(origin.prefix(80))': /v1/events accepts events from shippers and "
                + "scripts, not from other sites (the analyzer's own origin is \(expected.prefix(80)))"
        }
    }
}
