/// Finds windows in which user-facing requests (those of entry services) failed or slowed beyond
/// their baseline, and groups them into incident windows.
///
/// Per entry service, requests are counted in fixed buckets. The baseline is estimated from the
/// quieter buckets (the worst ones are trimmed, so an incident shorter than about a third of the data
/// cannot move it): an error ratio, and a latency threshold (the typical bucket's p95) with the share
/// of requests normally above it. A sliding window of buckets is anomalous when its failures or its
/// slow requests exceed what the baseline explains by a binomial z-score (4 by default, a one-sided
/// p of about 3e-5) and by a margin that matters to a user. Anomalous stretches close in time form a
/// window, which needs a minimum length and enough affected requests, so a blip is not an incident.
public struct IncidentDetector: Sendable {
    /// Tuning of the detector.
    public struct Settings: Sendable, Hashable {
        public var bucketSeconds: Int64 = 10
        /// Data shorter than `3 × windowBuckets` buckets (3 minutes by default) is analysed with
        /// buckets just short enough to fit, down to 1 s, instead of not at all: a demo or a freshly
        /// started service has minutes of data, and an incident in them should not wait for more.
        public var adaptsToShortData = true
        /// Buckets per sliding window.
        public var windowBuckets = 6
        /// Buckets with fewer requests say nothing on their own.
        public var minRequestsPerBucket = 3
        /// The binomial z-score a window must exceed.
        public var zThreshold = 4.0
        /// ...and its failure ratio must exceed the baseline by this factor plus `errorMargin`.
        public var errorFactor = 1.5
        public var errorMargin = 0.01
        /// ...or its share of slow requests must exceed the baseline share by this factor plus `slowMargin`.
        public var slowFactor = 2.0
        public var slowMargin = 0.03
        /// The worst share of buckets left out of the baseline.
        public var trimmedShare = 0.3
        /// Anomalous buckets separated by at most this many normal ones belong to one window.
        public var gapBuckets = 3
        /// A window needs this many anomalous buckets...
        public var minAnomalousBuckets = 3
        /// ...and this many affected requests.
        public var minAffectedRequests = 10

        public init() {}
    }

    /// One detected window, before root-cause ranking.
    public struct Window: Sendable, Hashable {
        public var entryServices: Set<String>
        public var start: Int64
        public var end: Int64
        /// Entry requests in the window that failed or were slower than the latency threshold.
        public var affected: [Observations.ServerSpan]
        /// Entry requests in the window.
        public var total: Int
    }

    public var settings: Settings

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    struct Bucket {
        var requests = 0
        var failures = 0
        var slow = 0
    }

    /// The bucket length used for data spanning `spanMicros`: ``Settings/bucketSeconds``, or shorter
    /// for short data when ``Settings/adaptsToShortData`` is set.
    public func bucketSeconds(forSpan spanMicros: Int64) -> Int64 {
        let needed = Int64(3 * settings.windowBuckets)
        let spanSeconds = spanMicros / 1_000_000 + 1
        guard settings.adaptsToShortData, spanSeconds < needed * settings.bucketSeconds else { return settings.bucketSeconds }
        return max(1, spanSeconds / needed)
    }

    public func detect(_ observations: Observations) -> [Window] {
        let newest = observations.spans.last(where: \.isEntry)?.time ?? observations.first
        let bucketMicros = bucketSeconds(forSpan: newest - observations.first) * 1_000_000
        let entrySpans = Dictionary(grouping: observations.spans.filter(\.isEntry), by: \.service)
        var windows: [Window] = []
        for (service, spans) in entrySpans {
            guard let last = spans.last?.time else { continue }
            let count = Int((last - observations.first) / bucketMicros) + 1
            guard count >= 3 * settings.windowBuckets else { continue }
            // Latency threshold: the typical bucket's p95.
            var durations = [[Double]](repeating: [], count: count)
            for span in spans { durations[Int((span.time - observations.first) / bucketMicros)].append(span.durationMS) }
            let p95s = durations.filter { $0.count >= settings.minRequestsPerBucket }.compactMap { Quantile.of($0, 0.95) }
            guard let slowThreshold = Statistics.median(p95s) else { continue }
            var buckets = [Bucket](repeating: Bucket(), count: count)
            for span in spans {
                let index = Int((span.time - observations.first) / bucketMicros)
                buckets[index].requests += 1
                if !span.success { buckets[index].failures += 1 }
                if span.durationMS > slowThreshold { buckets[index].slow += 1 }
            }
            let baseline = Self.baseline(buckets, trimmed: settings.trimmedShare, minimum: settings.minRequestsPerBucket)
            let anomalous = anomalousBuckets(buckets, baseline: baseline)
            for group in Self.group(anomalous, gap: Int64(settings.gapBuckets)) where group.count >= settings.minAnomalousBuckets {
                let start = observations.first + group.first! * bucketMicros
                let end = observations.first + (group.last! + 1) * bucketMicros
                let inWindow = spans.filter { $0.time >= start && $0.time < end }
                let affected = inWindow.filter { !$0.success || $0.durationMS > slowThreshold }
                guard affected.count >= settings.minAffectedRequests else { continue }
                windows.append(Window(entryServices: [service], start: start, end: end, affected: affected, total: inWindow.count))
            }
        }
        return Self.merge(windows)
    }

    /// Failure and slow ratios of the better buckets: the worst `trimmed` share (by failures + slow
    /// requests per request) is left out, so that the incident itself does not raise its own baseline.
    static func baseline(_ buckets: [Bucket], trimmed: Double, minimum: Int) -> (failure: Double, slow: Double) {
        let usable = buckets.filter { $0.requests >= minimum }.sorted {
            Double($0.failures + $0.slow) / Double($0.requests) < Double($1.failures + $1.slow) / Double($1.requests)
        }
        let kept = usable.prefix(max(1, Int(Double(usable.count) * (1 - trimmed))))
        let requests = max(1, kept.reduce(0) { $0 + $1.requests })
        // A floor keeps a perfectly clean baseline from turning one failure into an incident.
        let failure = max(Double(kept.reduce(0) { $0 + $1.failures }) / Double(requests), 0.002)
        let slow = max(Double(kept.reduce(0) { $0 + $1.slow }) / Double(requests), 0.01)
        return (failure, slow)
    }

    /// Buckets that belong to an anomalous sliding window and are themselves above the baseline.
    func anomalousBuckets(_ buckets: [Bucket], baseline: (failure: Double, slow: Double)) -> [Int64] {
        var marked = Set<Int>()
        let width = settings.windowBuckets
        for start in 0...(buckets.count - width) {
            let window = buckets[start..<(start + width)]
            let requests = window.reduce(0) { $0 + $1.requests }
            guard requests >= settings.minRequestsPerBucket * width else { continue }
            let failures = window.reduce(0) { $0 + $1.failures }
            let slow = window.reduce(0) { $0 + $1.slow }
            let failing = Self.exceeds(failures, of: requests, baseline: baseline.failure, z: settings.zThreshold)
                && Double(failures) / Double(requests) > baseline.failure * settings.errorFactor + settings.errorMargin
            let slowing = Self.exceeds(slow, of: requests, baseline: baseline.slow, z: settings.zThreshold)
                && Double(slow) / Double(requests) > baseline.slow * settings.slowFactor + settings.slowMargin
            guard failing || slowing else { continue }
            for index in start..<(start + width) {
                let bucket = buckets[index]
                guard bucket.requests > 0 else { continue }
                let above = (failing && Double(bucket.failures) / Double(bucket.requests) > baseline.failure * settings.errorFactor)
                    || (slowing && Double(bucket.slow) / Double(bucket.requests) > baseline.slow * settings.slowFactor)
                if above { marked.insert(index) }
            }
        }
        return marked.sorted().map(Int64.init)
    }

    /// Whether `count` of `total` is more than `z` standard deviations above a binomial with rate `p`.
    static func exceeds(_ count: Int, of total: Int, baseline p: Double, z: Double) -> Bool {
        let expected = Double(total) * p
        let deviation = (Double(total) * p * (1 - p)).squareRoot()
        return Double(count) > expected + z * max(deviation, 0.5)
    }

    static func group(_ indices: [Int64], gap: Int64) -> [[Int64]] {
        var groups: [[Int64]] = []
        for index in indices {
            if let last = groups.last?.last, index - last <= gap + 1 {
                groups[groups.count - 1].append(index)
            } else {
                groups.append([index])
            }
        }
        return groups
    }

    /// Windows of different entry services that overlap are one incident.
    static func merge(_ windows: [Window]) -> [Window] {
        var merged: [Window] = []
        for window in windows.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, window.start <= last.end {
                var combined = last
                combined.end = max(last.end, window.end)
                combined.entryServices.formUnion(window.entryServices)
                combined.affected += window.affected
                combined.total += window.total
                merged[merged.count - 1] = combined
            } else {
                merged.append(window)
            }
        }
        return merged
    }
}
