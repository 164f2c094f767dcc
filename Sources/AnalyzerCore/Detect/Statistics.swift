/// Small robust statistics used by the detector and the ranker.
enum Statistics {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Median absolute deviation.
    static func mad(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Least-squares slope of `values` over `times` (value units per second), `nil` with fewer than 3 points.
    static func slopePerSecond(times: [Int64], values: [Double]) -> Double? {
        guard times.count >= 3, times.count == values.count else { return nil }
        let xs = times.map { Double($0 - times[0]) / 1e6 }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = values.reduce(0, +) / Double(values.count)
        var numerator = 0.0
        var denominator = 0.0
        for (x, y) in zip(xs, values) {
            numerator += (x - meanX) * (y - meanY)
            denominator += (x - meanX) * (x - meanX)
        }
        return denominator > 0 ? numerator / denominator : nil
    }
}
