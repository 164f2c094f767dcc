import ServiceLog

/// How much one ingest request may cost the analyzer. Every limit bounds memory, whatever the sender
/// does: a request over the body or decompressed limit is refused (413) as soon as the limit is
/// crossed, and a line over the line limit is rejected on its own while the rest of the batch proceeds.
public struct IngestLimits: Sendable, Hashable {
    /// The most bytes a request body may have on the wire (compressed, if it is). Default 16 MiB.
    public var maxBodyBytes: Int
    /// The most bytes a gzip body may inflate to. Decompression stops at this limit, so a gzip bomb
    /// costs at most this much memory. Default 64 MiB.
    public var maxDecompressedBytes: Int
    /// Longer lines are invalid (reported, not stored); they never fail the batch. Default 1 MiB.
    public var maxLineBytes: Int
    /// Maximum nesting of JSON arrays and objects in one line. Default 32.
    public var maxDepth: Int
    /// How many invalid lines are described in a response (all are counted). Default 10.
    public var maxReportedErrors: Int

    /// Creates limits; every argument has the documented default.
    public init(
        maxBodyBytes: Int = 16 << 20, maxDecompressedBytes: Int = 64 << 20, maxLineBytes: Int = 1 << 20,
        maxDepth: Int = 32, maxReportedErrors: Int = 10
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxLineBytes = maxLineBytes
        self.maxDepth = maxDepth
        self.maxReportedErrors = maxReportedErrors
    }

    /// The per-line limits in the form ServiceLog's parser takes.
    public var decodingLimits: DecodingLimits {
        DecodingLimits(maxLineBytes: maxLineBytes, maxDepth: maxDepth)
    }
}
