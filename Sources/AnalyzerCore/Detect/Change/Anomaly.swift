/// What a change detector looks for in a request series.
enum ChangeMetric: String, Sendable, Hashable {
    /// More failures (5xx, timeouts, refused connections) than the baseline explains.
    case failures
    /// More requests slower than the baseline's slow threshold.
    case slow
    /// Many requests far faster than the baseline ever was (a request cut short: an early return).
    case fast
    /// An instance's memory climbed steadily and fell back (a leak ended by a restart): see
    /// ``MemoryClimb``.
    case memoryClimb
    /// One instance of several stopped writing events while the others went on: see ``InstanceOutage``.
    case silent
    /// An instance's CPU pinned far above its normal for minutes: see ``CPUPlateau``.
    case cpuPlateau
}

/// A sustained change in one series: from bucket `onset` up to (not including) `end`.
struct Anomaly: Sendable, Hashable {
    var key: SeriesKey
    var metric: ChangeMetric
    var onset: Int
    var end: Int
    /// Requests in the anomalous stretch that failed, were slow or were fast (by `metric`).
    var affected: Int
    /// Requests in the stretch.
    var total: Int
    /// The share of such requests in the baseline, and in the stretch.
    var baselineRatio: Double
    var ratio: Double
    /// How far above what the baseline explains (binomial z-score of the strongest window).
    var zScore: Double
    /// The stretch in time (microseconds since the epoch), set by the incident detector.
    var startTime: Int64 = 0
    var endTime: Int64 = 0

    /// Whether the two stretches overlap or lie within `gap` buckets of each other.
    func isNear(_ other: Anomaly, gap: Int) -> Bool {
        onset <= other.end + gap && other.onset <= end + gap
    }
}
