/// Small robust statistics used by the detector and the ranker.
enum Statistics {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
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

    /// How strongly the values of `later` tend to exceed those of `earlier`: the Mann-Whitney U
    /// statistic as a z-score (normal approximation, ties averaged). Positive when `later` is larger;
    /// `0` when either side has fewer than two values. A dozen slow requests against a dozen normal ones
    /// scores far lower than a thousand against a thousand, which a ratio of medians cannot tell.
    static func rankZ(_ earlier: [Double], _ later: [Double]) -> Double {
        let n1 = Double(earlier.count)
        let n2 = Double(later.count)
        guard n1 >= 2, n2 >= 2 else { return 0 }
        var values = earlier.map { ($0, false) } + later.map { ($0, true) }
        values.sort { $0.0 < $1.0 }
        var rankSum = 0.0
        var tieTerm = 0.0
        var index = 0
        while index < values.count {
            var end = index
            while end + 1 < values.count && values[end + 1].0 == values[index].0 { end += 1 }
            let rank = Double(index + end + 2) / 2
            for position in index...end where values[position].1 { rankSum += rank }
            let ties = Double(end - index + 1)
            tieTerm += ties * ties * ties - ties
            index = end + 1
        }
        let n = n1 + n2
        let u = rankSum - n2 * (n2 + 1) / 2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return 0 }
        return (u - n1 * n2 / 2) / variance.squareRoot()
    }
}
