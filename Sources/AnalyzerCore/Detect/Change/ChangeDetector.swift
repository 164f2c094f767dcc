/// Finds sustained changes in a request series, causally: each sliding window of buckets is tested
/// against a baseline made only of the normal buckets *before* it (never the window itself nor any
/// bucket already found anomalous), so an incident cannot raise its own baseline however long it
/// lasts, its onset does not move as more data arrives, and data shorter than the warm-up raises
/// nothing ("learning the baseline").
///
/// A window is anomalous when its count of failing (or slow, or fast) requests exceeds what the
/// baseline rate explains by a binomial z-score *and* by a margin that matters to a user. The
/// buckets of an anomalous window that are themselves above the baseline are marked; marked buckets
/// close to each other form one ``Anomaly`` when there are enough of them and enough requests.
struct ChangeDetector: Sendable {
    /// Tuning shared by every series.
    struct Settings: Sendable, Hashable {
        /// Buckets per sliding window.
        var windowBuckets = 6
        /// Normal buckets (with requests) the baseline needs before anything is tested: the warm-up.
        var minimumBaselineBuckets = 9
        /// ...and requests: a failure rate needs a few dozen, a latency tail (the 95th percentile) a
        /// hundred or more before it means anything.
        var minimumBaselineRequests = 10
        var minimumLatencyBaselineRequests = 120
        /// Below `minimumLatencyBaselineRequests`, latency is compared by rank (see ``rankTest``) from
        /// this many baseline requests, at this z-score (a dozen requests can reach no more than ~3.5).
        var minimumRankBaselineRequests = 10
        var rankZThreshold = 3.3
        /// How far back the baseline reaches (180 ten-second buckets: 30 minutes).
        var historyBuckets = 180
        /// Buckets with fewer latencies give no quantile of their own (their requests are pooled).
        var minimumRequestsPerBucket = 3
        /// Requests a window needs to be tested.
        var minimumWindowRequests = 5
        /// The binomial z-score a window must exceed (4: a one-sided p of about 3e-5).
        var zThreshold = 4.0
        var failureFactor = 1.5
        var failureMargin = 0.03
        var slowFactor = 2.5
        var slowMargin = 0.1
        /// A slow threshold at least this far above the baseline median (milliseconds).
        var minimumSlowdownMS = 2.0
        var fastFactor = 3.0
        var fastMargin = 0.3
        /// Marked buckets separated by at most this many unmarked ones belong to one anomaly.
        var gapBuckets = 3
        /// An anomaly needs this many marked buckets...
        var minimumAnomalousBuckets = 3
        /// ...and this many affected requests.
        var minimumAffected = 8
    }

    var settings = Settings()

    /// The sustained changes of `metric` in `buckets`, oldest first.
    func anomalies(in buckets: [RequestBucket], key: SeriesKey, metric: ChangeMetric) -> [Anomaly] {
        let count = buckets.count
        let width = settings.windowBuckets
        guard count >= width + settings.minimumBaselineBuckets else { return [] }
        let quantiles = buckets.map { bucket -> (low: Double?, median: Double?, high: Double?) in
            guard bucket.latencies.count >= settings.minimumRequestsPerBucket else { return (nil, nil, nil) }
            return (bucket.quantile(0.05), bucket.quantile(0.5), bucket.quantile(0.95))
        }
        var normal = [Bool](repeating: true, count: count)
        var marked = [Bool](repeating: false, count: count)
        var strongest = [Double](repeating: 0, count: count)
        guard let firstData = buckets.firstIndex(where: { $0.total > 0 }) else { return [] }
        for windowEnd in (width - 1)..<count {
            // A low-traffic series (a few requests a minute) gets a longer window, up to three, so that it
            // holds enough requests to say anything.
            var windowStart = windowEnd - width + 1
            func requests(_ range: ClosedRange<Int>) -> Int {
                range.reduce(0) { $0 + (metric == .failures ? buckets[$1].total : buckets[$1].latencies.count) }
            }
            while windowStart > firstData, windowEnd - windowStart + 1 < 3 * width, requests(windowStart...windowEnd) < 2 * settings.minimumWindowRequests {
                windowStart -= 1
            }
            // The warm-up is time since the series began, not a count of busy buckets.
            guard windowStart - firstData >= settings.minimumBaselineBuckets else { continue }
            let baselineIndices = (max(0, windowStart - settings.historyBuckets)..<windowStart).filter { normal[$0] && buckets[$0].total > 0 }
            guard !baselineIndices.isEmpty else { continue }
            guard let test = self.test(metric, buckets, window: windowStart...windowEnd, baseline: baselineIndices, quantiles: quantiles)
            else { continue }
            for index in windowStart...windowEnd where test.bucketIsAbove(buckets[index]) {
                marked[index] = true
                normal[index] = false
                strongest[index] = max(strongest[index], test.z)
            }
        }
        return group(marked, strongest: strongest, buckets: buckets, key: key, metric: metric, quantiles: quantiles, normal: normal)
    }

    /// The result of testing one window: its z-score and how to tell a bucket above the baseline.
    struct WindowTest {
        var z: Double
        var threshold: Double
        var baselineRatio: Double
        var metric: ChangeMetric
        var factor: Double

        /// Whether one bucket of the window is itself above the baseline.
        func bucketIsAbove(_ bucket: RequestBucket) -> Bool {
            let (hits, total) = Self.hits(bucket, metric: metric, threshold: threshold)
            return total > 0 && Double(hits) / Double(total) > baselineRatio * factor
        }

        static func hits(_ bucket: RequestBucket, metric: ChangeMetric, threshold: Double) -> (Int, Int) {
            switch metric {
            case .failures: (bucket.failures, bucket.total)
            case .slow: (bucket.count(above: threshold), bucket.latencies.count)
            case .fast: (bucket.count(below: threshold), bucket.latencies.count)
            case .memoryClimb, .silent, .cpuPlateau: (0, 0)
            }
        }
    }

    /// Tests one window against the baseline; `nil` when it is not anomalous or not testable.
    func test(
        _ metric: ChangeMetric, _ buckets: [RequestBucket], window: ClosedRange<Int>, baseline: [Int],
        quantiles: [(low: Double?, median: Double?, high: Double?)]
    ) -> WindowTest? {
        let threshold: Double
        switch metric {
        case .failures:
            threshold = 0
        case .memoryClimb, .silent, .cpuPlateau:
            return nil
        case .slow:
            guard let high = Self.typical(baseline.compactMap { quantiles[$0].high }, pooled: { Self.pooled(buckets, baseline, 0.95) }),
                let median = Self.typical(baseline.compactMap { quantiles[$0].median }, pooled: { Self.pooled(buckets, baseline, 0.5) })
            else { return nil }
            threshold = max(high, median * 1.2, median + settings.minimumSlowdownMS)
        case .fast:
            // Faster is judged on the median, by rank: a baseline whose fastest requests are already
            // near zero (cached pages) leaves no room below its tail. The cheap typical median rules
            // most windows out before the rank test runs.
            guard let median = Self.typical(baseline.compactMap { quantiles[$0].median }, pooled: { Self.pooled(buckets, baseline, 0.5) }),
                let now = Statistics.median(window.flatMap { buckets[$0].latencies }), now <= 0.4 * median
            else { return nil }
            return rankTest(metric, buckets, window: window, baseline: baseline)
        }
        var baseHits = 0
        var baseTotal = 0
        for index in baseline {
            let (hits, total) = WindowTest.hits(buckets[index], metric: metric, threshold: threshold)
            baseHits += hits
            baseTotal += total
        }
        if metric != .failures, baseTotal < settings.minimumLatencyBaselineRequests {
            // Too few requests for a tail threshold: compare ranks instead, and ask for a large effect.
            return rankTest(metric, buckets, window: window, baseline: baseline)
        }
        guard baseTotal >= settings.minimumBaselineRequests else { return nil }
        var hits = 0
        var total = 0
        for index in window {
            let (h, t) = WindowTest.hits(buckets[index], metric: metric, threshold: threshold)
            hits += h
            total += t
        }
        guard total >= settings.minimumWindowRequests else { return nil }
        let (floor, factor, margin): (Double, Double, Double) = switch metric {
        case .failures: (0.002, settings.failureFactor, settings.failureMargin)
        case .slow: (0.01, settings.slowFactor, settings.slowMargin)
        case .fast: (0.01, settings.fastFactor, settings.fastMargin)
        case .memoryClimb, .silent, .cpuPlateau: (1, 1, 1)
        }
        // A small baseline with no failures does not prove a rate of zero: the estimate is smoothed
        // towards what so few requests cannot rule out.
        let rate = max(floor, Double(baseHits + 1) / Double(baseTotal + 2))
        let z = Self.zScore(hits, of: total, rate: rate)
        guard z > settings.zThreshold, Double(hits) / Double(total) > rate * factor + margin else { return nil }
        return WindowTest(z: z, threshold: threshold, baselineRatio: rate, metric: metric, factor: factor)
    }

    /// A low-traffic series (a dozen requests a minute): the window's latencies against the
    /// baseline's by a rank test, with a large effect required (the median at least doubled, or cut
    /// by more than half), since a handful of requests shows only a large change reliably.
    func rankTest(_ metric: ChangeMetric, _ buckets: [RequestBucket], window: ClosedRange<Int>, baseline: [Int]) -> WindowTest? {
        let before = baseline.flatMap { buckets[$0].latencies }
        let now = window.flatMap { buckets[$0].latencies }
        guard before.count >= settings.minimumRankBaselineRequests, now.count >= settings.minimumWindowRequests,
            let oldMedian = Statistics.median(before), let newMedian = Statistics.median(now)
        else { return nil }
        let threshold: Double
        let z: Double
        switch metric {
        case .slow:
            guard newMedian >= 2 * oldMedian + settings.minimumSlowdownMS else { return nil }
            z = Statistics.rankZ(before, now)
            threshold = (oldMedian * newMedian).squareRoot()
        case .fast:
            guard newMedian <= 0.4 * oldMedian, oldMedian - newMedian >= 5 else { return nil }
            z = Statistics.rankZ(now, before)
            threshold = (oldMedian * newMedian).squareRoot()
        case .failures, .memoryClimb, .silent, .cpuPlateau:
            return nil
        }
        guard z >= settings.rankZThreshold else { return nil }
        let hits = before.filter { metric == .slow ? $0 > threshold : $0 < threshold }.count
        let rate = max(0.01, Double(hits + 1) / Double(before.count + 2))
        return WindowTest(z: z, threshold: threshold, baselineRatio: rate, metric: metric, factor: 2)
    }

    /// Marked buckets close together, kept when there are enough of them and enough requests.
    private func group(
        _ marked: [Bool], strongest: [Double], buckets: [RequestBucket], key: SeriesKey, metric: ChangeMetric,
        quantiles: [(low: Double?, median: Double?, high: Double?)], normal: [Bool]
    ) -> [Anomaly] {
        var runs: [[Int]] = []
        for index in marked.indices where marked[index] {
            if let last = runs.last?.last, index - last <= settings.gapBuckets + 1 {
                runs[runs.count - 1].append(index)
            } else {
                runs.append([index])
            }
        }
        var result: [Anomaly] = []
        for run in runs where run.count >= settings.minimumAnomalousBuckets {
            let onset = run.first!
            let end = run.last! + 1
            // The baseline the stretch is measured against: the normal buckets before its onset.
            let baseline = (max(0, onset - settings.historyBuckets)..<onset).filter { normal[$0] && buckets[$0].total > 0 }
            guard let test = test(metric, buckets, window: onset...(end - 1), baseline: baseline, quantiles: quantiles) ?? looseTest(
                metric, buckets, window: onset...(end - 1), baseline: baseline, quantiles: quantiles)
            else { continue }
            var affected = 0
            var total = 0
            for index in onset..<end {
                let (h, t) = WindowTest.hits(buckets[index], metric: metric, threshold: test.threshold)
                affected += h
                total += t
            }
            guard affected >= settings.minimumAffected, total > 0 else { continue }
            result.append(Anomaly(
                key: key, metric: metric, onset: onset, end: end, affected: affected, total: total, baselineRatio: test.baselineRatio,
                ratio: Double(affected) / Double(total), zScore: run.map { strongest[$0] }.max() ?? 0))
        }
        return result
    }

    /// The stretch's figures against its baseline even when the whole stretch (diluted by the gaps
    /// inside it) would not pass the window test on its own.
    private func looseTest(
        _ metric: ChangeMetric, _ buckets: [RequestBucket], window: ClosedRange<Int>, baseline: [Int],
        quantiles: [(low: Double?, median: Double?, high: Double?)]
    ) -> WindowTest? {
        var loose = self
        loose.settings.zThreshold = 0
        loose.settings.failureMargin = 0
        loose.settings.slowMargin = 0
        loose.settings.fastMargin = 0
        loose.settings.minimumBaselineRequests = 1
        loose.settings.minimumLatencyBaselineRequests = 1
        loose.settings.minimumRankBaselineRequests = 1
        loose.settings.rankZThreshold = 0
        loose.settings.minimumWindowRequests = 1
        return loose.test(metric, buckets, window: window, baseline: baseline, quantiles: quantiles)
    }

    /// The median of per-bucket quantiles, or the pooled quantile when too few buckets have their own.
    static func typical(_ values: [Double], pooled: () -> Double?) -> Double? {
        values.count >= 5 ? Statistics.median(values) : pooled()
    }

    static func pooled(_ buckets: [RequestBucket], _ indices: [Int], _ q: Double) -> Double? {
        Quantile.of(indices.flatMap { buckets[$0].latencies }, q)
    }

    /// How many standard deviations `count` of `total` lies above a binomial with rate `rate`.
    static func zScore(_ count: Int, of total: Int, rate: Double) -> Double {
        let expected = Double(total) * rate
        let deviation = max((Double(total) * rate * (1 - rate)).squareRoot(), 0.5)
        return (Double(count) - expected) / deviation
    }
}
