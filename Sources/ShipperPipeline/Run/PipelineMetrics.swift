import CoreMetrics
import ServiceLog

/// Counts what the pipeline does twice over: into a ``PipelineStatistics`` snapshot (health endpoint,
/// tests, shutdown summary) and into swift-metrics, which the `logshipper` binary exports in
/// Prometheus format. All names start with `logshipper_`.
public final class PipelineMetrics: Sendable {
    private let snapshot = Guarded(PipelineStatistics())
    /// When the pipeline started (for the checkpoint lag before the first acknowledgement).
    public let startedAt = Timestamp.now()

    private let spoolBytes = Gauge(label: "logshipper_spool_bytes")
    private let spoolBatches = Gauge(label: "logshipper_spool_batches")
    private let spoolFull = Gauge(label: "logshipper_spool_full")
    private let checkpointLag = Gauge(label: "logshipper_checkpoint_lag_seconds")
    private let batchLatency = CoreMetrics.Timer(label: "logshipper_batch_latency_seconds", preferredDisplayUnit: .seconds)
    private let batchEvents = Recorder(label: "logshipper_batch_events", aggregate: true)
    private let bytesBefore = Counter(label: "logshipper_bytes_uncompressed_total")
    private let bytesAfter = Counter(label: "logshipper_bytes_compressed_total")
    private let shipped = Counter(label: "logshipper_events_shipped_total")
    private let wrapped = Counter(label: "logshipper_events_wrapped_total")
    private let truncated = Counter(label: "logshipper_lines_truncated_total")
    private let duplicates = Counter(label: "logshipper_events_duplicate_total")

    /// The `# HELP` text of every metric the pipeline records, by name.
    public static let help: [String: String] = [
        "logshipper_spool_bytes": "Bytes of compressed batches in the spool, waiting for delivery.",
        "logshipper_spool_batches": "Batches in the spool, waiting for delivery.",
        "logshipper_spool_full": "Whether the spool is at its size limit and reading is paused (back-pressure): 1 or 0.",
        "logshipper_checkpoint_lag_seconds": "Seconds since the oldest event not yet acknowledged by the receiver was read (0 when all are).",
        "logshipper_batch_latency_seconds": "Time from a batch being spooled to its acknowledgement by the receiver.",
        "logshipper_batch_events": "Events per batch put into the spool (batch.max_events, batch.max_bytes and batch.max_age_ms bound it).",
        "logshipper_bytes_uncompressed_total": "Bytes of events put into batches, before compression.",
        "logshipper_bytes_compressed_total": "Bytes of batches after compression.",
        "logshipper_events_read_total": "Events read from a source.",
        "logshipper_events_shipped_total": "Events acknowledged by the receiver.",
        "logshipper_events_wrapped_total": "Lines that were not canonical events and were wrapped into one.",
        "logshipper_lines_truncated_total": "Lines cut at the line limit (kept, marked line_truncated).",
        "logshipper_events_duplicate_total": "Events the receiver reported as already stored (a resend after a restart or a retry).",
        "logshipper_events_skipped_total": "Records a source skipped, by reason (e.g. journal entries without a message).",
        "logshipper_delivery_retries_total": "Failed delivery attempts that will be retried, by reason.",
        "logshipper_events_dead_lettered_total": "Events the receiver refused for good, written to the dead-letter file, by reason.",
        "logshipper_events_dropped_total": "Events dropped, by reason (only what a receiver marked invalid line by line).",
        "logshipper_build_info": "Which logshipper is running (its labels); the value is always 1.",
    ]

    /// Creates metrics; gauges and the counters alerts watch start at zero, so they are exported
    /// before anything happens (an `absent()` or `rate()` alert sees 0, not nothing).
    public init() {
        spoolBytes.record(0)
        spoolBatches.record(0)
        spoolFull.record(0)
        checkpointLag.record(0)
        // The reasons known in advance; an unusual HTTP status appears with its first loss (alerts.yml
        // catches a series that is new, not only one that grew).
        for reason in ["retries_exhausted", "http_200", "http_400", "http_422"] {
            Counter(label: "logshipper_events_dead_lettered_total", dimensions: [("reason", reason)]).increment(by: 0)
        }
        Counter(label: "logshipper_events_dropped_total", dimensions: [("reason", "receiver_invalid")]).increment(by: 0)
        Counter(label: "logshipper_delivery_retries_total", dimensions: [("reason", "error")]).increment(by: 0)
    }

    /// The current snapshot.
    public var statistics: PipelineStatistics {
        snapshot.withLock { $0 }
    }

    func read(_ count: Int, wrapped wrappedCount: Int, source: String) {
        Counter(label: "logshipper_events_read_total", dimensions: [("source", source)]).increment(by: count)
        wrapped.increment(by: wrappedCount)
        snapshot.withLock {
            $0.eventsRead += count
            $0.eventsWrapped += wrappedCount
        }
    }

    func sourceCounters(truncatedLines: Int, skipped: [String: Int], source: String) {
        if truncatedLines > 0 { truncated.increment(by: truncatedLines) }
        for (reason, count) in skipped where count > 0 {
            Counter(label: "logshipper_events_skipped_total", dimensions: [("source", source), ("reason", reason)])
                .increment(by: count)
        }
        snapshot.withLock {
            $0.linesTruncated += truncatedLines
            for (reason, count) in skipped { $0.sourceSkipped[reason, default: 0] += count }
        }
    }

    func sourceFailing(_ source: String, reason: String?) {
        snapshot.withLock { $0.failingSources[source] = reason }
    }

    func spooled(_ batch: SpoolBatch) {
        batchEvents.record(batch.eventCount)
        bytesBefore.increment(by: batch.uncompressedBytes)
        bytesAfter.increment(by: batch.body.count)
        snapshot.withLock {
            $0.batchesSpooled += 1
            $0.bytesUncompressed += batch.uncompressedBytes
            $0.bytesCompressed += batch.body.count
        }
    }

    func delivered(events: Int, duplicates duplicateCount: Int, latency: Duration) {
        shipped.increment(by: events)
        if duplicateCount > 0 { duplicates.increment(by: duplicateCount) }
        batchLatency.recordNanoseconds(Int64(latency.seconds * 1e9))
        snapshot.withLock {
            $0.eventsShipped += events
            $0.batchesShipped += 1
            $0.duplicatesReported += duplicateCount
            $0.lastAcknowledged = .now()
            $0.lastDeliveryError = nil
            $0.deliveryFailingSince = nil
        }
    }

    func retried(reason: String, kind: String) {
        Counter(label: "logshipper_delivery_retries_total", dimensions: [("reason", kind)]).increment()
        snapshot.withLock {
            $0.deliveryRetries += 1
            $0.lastDeliveryError = reason
            if $0.deliveryFailingSince == nil { $0.deliveryFailingSince = .now() }
        }
    }

    /// A whole batch was refused for good (dead-lettered): a failed delivery, although nothing waits.
    func refused(reason: String) {
        snapshot.withLock {
            $0.lastDeliveryError = reason
            if $0.deliveryFailingSince == nil { $0.deliveryFailingSince = .now() }
        }
    }

    func deadLettered(_ count: Int, reason: String) {
        Counter(label: "logshipper_events_dead_lettered_total", dimensions: [("reason", reason)]).increment(by: count)
        snapshot.withLock { $0.eventsDeadLettered[reason, default: 0] += count }
    }

    func dropped(_ count: Int, reason: String) {
        Counter(label: "logshipper_events_dropped_total", dimensions: [("reason", reason)]).increment(by: count)
        snapshot.withLock { $0.eventsDropped[reason, default: 0] += count }
    }

    func spool(bytes: Int, batches: Int, full: Bool) {
        spoolBytes.record(bytes)
        spoolBatches.record(batches)
        spoolFull.record(full ? 1 : 0)
        let lag = snapshot.withLock {
            $0.spoolBytes = bytes
            $0.spoolBatches = batches
            $0.spoolFull = full
            return $0.checkpointLag(now: .now(), startedAt: startedAt)
        }
        checkpointLag.record(lag)
    }
}
