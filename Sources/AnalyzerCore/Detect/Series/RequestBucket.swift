/// The requests (or call attempts) of one series that ended in one time bucket.
struct RequestBucket: Sendable, Hashable {
    var total = 0
    /// 5xx, transport errors, unsuccessful without a status.
    var failures = 0
    /// 4xx: counted apart, never as failures.
    var clientErrors = 0
    /// Durations of the requests that were not client errors, sorted ascending after building.
    var latencies: [Double] = []

    /// How many latencies are above `threshold`.
    func count(above threshold: Double) -> Int {
        latencies.count - Self.upperBound(latencies, threshold)
    }

    /// How many latencies are below `threshold`.
    func count(below threshold: Double) -> Int {
        Observations.lowerBound(latencies, threshold)
    }

    /// The `q` quantile of the bucket's latencies (nearest rank), `nil` when empty.
    func quantile(_ q: Double) -> Double? {
        guard !latencies.isEmpty else { return nil }
        let rank = Int((q * Double(latencies.count)).rounded(.up))
        return latencies[min(max(rank - 1, 0), latencies.count - 1)]
    }

    static func upperBound(_ values: [Double], _ target: Double) -> Int {
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] <= target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
