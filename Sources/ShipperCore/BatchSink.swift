/// A stage that delivers one batch of events somewhere (the analyzer's ingest endpoint) and says what
/// became of it. Like sources, sinks do blocking I/O on the pipeline's delivery thread.
public protocol BatchSink: AnyObject {
    /// Sends `payload` once (no retries: the pipeline owns the retry policy, because it also owns the
    /// spool and the checkpoints) and classifies the answer.
    func deliver(_ payload: BatchPayload) -> DeliveryOutcome
}

/// A batch as it goes over the wire: NDJSON, maybe gzip-compressed.
public struct BatchPayload: Sendable, Hashable {
    /// The request body.
    public var body: [UInt8]
    /// `gzip` when `body` is gzip-compressed, `nil` when it is plain NDJSON.
    public var contentEncoding: String?
    /// Events (lines) in the batch, for logs and metrics.
    public var eventCount: Int

    /// Creates a payload.
    public init(body: [UInt8], contentEncoding: String?, eventCount: Int) {
        self.body = body
        self.contentEncoding = contentEncoding
        self.eventCount = eventCount
    }
}

/// What became of one delivery attempt; decides between advancing, retrying, splitting and
/// dead-lettering.
public enum DeliveryOutcome: Sendable, Hashable {
    /// 2xx: the receiver stored the batch durably; checkpoints may advance past it. `response` is the
    /// body (the analyzer's `{"accepted":..,"invalid":..}`), for counting rejected lines.
    case acknowledged(status: Int, response: String)
    /// Worth trying again later: a network error, a timeout, 408, 429 or 5xx. `retryAfter` is the
    /// receiver's `Retry-After` when it sent one.
    case retryable(reason: String, retryAfter: Duration?)
    /// 413: the batch is too large for the receiver; split it and send the halves.
    case tooLarge(reason: String)
    /// Any other 4xx: resending the same bytes will never succeed; dead-letter it with the reason.
    case rejected(status: Int, reason: String)
}
