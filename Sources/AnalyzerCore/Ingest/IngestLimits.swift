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
    /// How many invalid lines are described with their reason in a response. Every invalid line is
    /// named in `invalid_lines` whatever this is. Default 100.
    public var maxReportedErrors: Int
    /// The most lines (blank ones included) one request may have; more is refused (413), so that the
    /// events held and the `invalid_lines` answer stay bounded. Default 100,000.
    public var maxLines: Int
    /// The decoded (inflated) body bytes all requests in progress may hold together: the memory of the
    /// events being parsed. A request that would go past it is refused with 503 and `Retry-After`
    /// (the shipper retries), however its own size compares to the other limits. Default 128 MiB.
    public var maxInFlightBytes: Int
    /// Sizes and ranges of field values (``FieldLimits``); `nil` checks types only.
    public var fields: FieldLimits?

    /// Creates limits; every argument has the documented default.
    public init(
        maxBodyBytes: Int = 16 << 20, maxDecompressedBytes: Int = 64 << 20, maxLineBytes: Int = 1 << 20,
        maxDepth: Int = 32, maxReportedErrors: Int = 100, maxLines: Int = 100_000, maxInFlightBytes: Int = 128 << 20,
        fields: FieldLimits? = FieldLimits()
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxLineBytes = maxLineBytes
        self.maxDepth = maxDepth
        self.maxReportedErrors = maxReportedErrors
        self.maxLines = maxLines
        self.maxInFlightBytes = maxInFlightBytes
        self.fields = fields
    }

    /// The per-line limits in the form ServiceLog's parser takes.
    public var decodingLimits: DecodingLimits {
        DecodingLimits(maxLineBytes: maxLineBytes, maxDepth: maxDepth, fields: fields)
    }
}
