import ServiceLog

/// A snapshot of what the pipeline has done since it started: the numbers behind `/metrics`, the
/// health endpoint and the shutdown summary.
public struct PipelineStatistics: Sendable, Hashable, Codable {
    /// Records read from all sources.
    public var eventsRead = 0
    /// Records that were not canonical events and were wrapped as `log` events.
    public var eventsWrapped = 0
    /// Lines cut to the maximum line size by a source (kept, marked).
    public var linesTruncated = 0
    /// Source records skipped, by reason (e.g. `corrupt_entry`).
    public var sourceSkipped: [String: Int] = [:]
    /// Batches written to the spool.
    public var batchesSpooled = 0
    /// Events acknowledged by the receiver.
    public var eventsShipped = 0
    /// Batches acknowledged by the receiver.
    public var batchesShipped = 0
    /// Delivery attempts that failed and were retried.
    public var deliveryRetries = 0
    /// Events written to the dead-letter file, by reason.
    public var eventsDeadLettered: [String: Int] = [:]
    /// Events the receiver acknowledged but refused as invalid (and that are not in the dead-letter
    /// file because the receiver did not say which line they were).
    public var eventsDropped: [String: Int] = [:]
    /// Events the receiver already had (redelivery after a restart).
    public var duplicatesReported = 0
    /// Bytes of NDJSON before compression, of batches spooled.
    public var bytesUncompressed = 0
    /// Bytes after compression, of batches spooled.
    public var bytesCompressed = 0
    /// Undelivered bytes in the spool.
    public var spoolBytes = 0
    /// Undelivered batches in the spool.
    public var spoolBatches = 0
    /// Whether reading is paused because the spool is full.
    public var spoolFull = false
    /// When the receiver last acknowledged a batch.
    public var lastAcknowledged: Timestamp?
    /// The last delivery failure, for the health endpoint.
    public var lastDeliveryError: String?
    /// Since when every delivery attempt has failed (retried, refused as a misconfiguration, or a
    /// whole batch dead-lettered); `nil` once one is acknowledged again.
    public var deliveryFailingSince: Timestamp?
    /// Sources that failed and are being reopened, with why.
    public var failingSources: [String: String] = [:]

    /// Zero counters.
    public init() {}

    /// Seconds deliveries have been failing without one acknowledged in between (0 when they are not).
    public func deliveryFailingSeconds(now: Timestamp) -> Double {
        guard let since = deliveryFailingSince else { return 0 }
        return Double(now.microsecondsSinceEpoch - since.microsecondsSinceEpoch) / 1e6
    }

    /// Seconds since the oldest undelivered data could have been acknowledged: 0 when the spool is
    /// empty, else the time since the last acknowledgement (or since `startedAt`).
    public func checkpointLag(now: Timestamp, startedAt: Timestamp) -> Double {
        guard spoolBatches > 0 else { return 0 }
        let since = lastAcknowledged ?? startedAt
        return Double(now.microsecondsSinceEpoch - since.microsecondsSinceEpoch) / 1e6
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(microsecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microsecondsSinceEpoch)
    }
}
