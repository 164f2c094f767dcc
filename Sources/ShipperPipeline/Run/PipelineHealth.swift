import ServiceLog

/// What `/health` says about a pipeline: healthy, or degraded with the problems that make it so.
///
/// Degraded when a source cannot be read, when the spool is full, when nothing was acknowledged for a
/// minute while batches wait, or when every delivery has failed for longer than
/// ``deliveryFailureThreshold`` — also when the failures empty the spool (every batch refused and
/// dead-lettered), which the acknowledgement lag alone would call healthy.
public struct PipelineHealth: Sendable, Hashable, Encodable {
    /// Whether nothing is wrong.
    public var healthy: Bool
    /// `ok` or `degraded`.
    public var status: String
    /// One sentence per problem, saying what it means.
    public var problems: [String]
    /// The counters the verdict was made from.
    public var statistics: PipelineStatistics
    /// Seconds since the oldest undelivered data could have been acknowledged.
    public var checkpointLagSeconds: Double
    /// Seconds every delivery has been failing (0 when the last one succeeded).
    public var deliveryFailingSeconds: Double

    /// The verdict on `statistics` at `now`.
    public init(statistics: PipelineStatistics, startedAt: Timestamp, now: Timestamp = .now(), deliveryFailureThreshold: Duration = .seconds(60)) {
        self.statistics = statistics
        checkpointLagSeconds = statistics.checkpointLag(now: now, startedAt: startedAt)
        deliveryFailingSeconds = statistics.deliveryFailingSeconds(now: now)
        var problems = statistics.failingSources.map { "source \($0.key): \($0.value)" }.sorted()
        let threshold = Double(deliveryFailureThreshold.components.seconds) + Double(deliveryFailureThreshold.components.attoseconds) / 1e18
        if deliveryFailingSeconds > threshold {
            problems.append(
                "every delivery has failed for \(Int(deliveryFailingSeconds)) s (threshold \(Int(threshold)) s): "
                    + (statistics.lastDeliveryError ?? "no reason recorded"))
        } else if checkpointLagSeconds > 60 {
            problems.append(
                "nothing acknowledged for \(Int(checkpointLagSeconds)) s while \(statistics.spoolBatches) batches wait: "
                    + (statistics.lastDeliveryError ?? "delivery is slow"))
        }
        if statistics.spoolFull { problems.append("spool full: reading is paused") }
        self.problems = problems
        healthy = problems.isEmpty
        status = healthy ? "ok" : "degraded"
    }

    enum CodingKeys: String, CodingKey {
        case healthy, status, problems, statistics, checkpointLagSeconds, deliveryFailingSeconds
    }
}
