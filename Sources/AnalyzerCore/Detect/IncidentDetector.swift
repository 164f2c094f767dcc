/// Finds windows in which some service's requests or calls failed, slowed or changed shape beyond
/// their own baseline, and groups the changes that overlap in time and touch in the call graph into
/// incident windows.
///
/// Every service is watched, not only the user-facing ones: per service, per instance (a fault on
/// one of several), per endpoint (a low-traffic path) and per call edge (a slow or dropped link),
/// each with a causal ``ChangeDetector``. So a fault behind a fallback, on one instance or on a
/// rarely used path is found even when the entry services barely move. Client errors (4xx) are not
/// failures and open nothing.
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
        /// Changes within this many buckets of each other, touching in the call graph, are one incident.
        public var mergeGapBuckets = 6
        var change = ChangeDetector.Settings()

        public init() {}
    }

    /// One detected window, before root-cause ranking.
    public struct Window: Sendable, Hashable {
        /// The user-facing services whose requests failed or slowed in it (may be empty: a fault
        /// behind a fallback).
        public var entryServices: Set<String>
        public var start: Int64
        public var end: Int64
        /// Entry requests in the window that failed or were slower than their baseline's threshold.
        public var affected: [Observations.ServerSpan]
        /// Entry requests in the window.
        public var total: Int
        /// The services whose series changed.
        public var services: Set<String>
        /// The changes that make the window, strongest first.
        var anomalies: [Anomaly]
        /// Bucket length of the analysis (microseconds).
        var bucketMicros: Int64
    }

    public var settings: Settings

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// The bucket length used for data spanning `spanMicros`: ``Settings/bucketSeconds``, or shorter
    /// for short data when ``Settings/adaptsToShortData`` is set.
    public func bucketSeconds(forSpan spanMicros: Int64) -> Int64 {
        let needed = Int64(3 * settings.windowBuckets)
        let spanSeconds = max(0, spanMicros) / 1_000_000 + 1
        guard settings.adaptsToShortData, spanSeconds < needed * settings.bucketSeconds else { return settings.bucketSeconds }
        return max(1, spanSeconds / needed)
    }

    /// How much data the detector needs before it tests anything (the baseline's warm-up plus one
    /// window), in microseconds, for data spanning `spanMicros`.
    public func warmUpMicros(forSpan spanMicros: Int64) -> Int64 {
        let buckets = Int64(settings.change.minimumBaselineBuckets + settings.windowBuckets)
        return buckets * bucketSeconds(forSpan: spanMicros) * 1_000_000
    }

    /// The time grid for `observations`.
    func grid(for observations: Observations) -> TimeGrid {
        let range = observations.requestTimeRange ?? observations.first...observations.last
        return TimeGrid(first: range.lowerBound, last: range.upperBound, bucketSeconds: bucketSeconds(forSpan: range.upperBound - range.lowerBound))
    }

    public func detect(_ observations: Observations) -> [Window] {
        guard !observations.spans.isEmpty || !observations.calls.isEmpty else { return [] }
        let grid = grid(for: observations)
        let series = RequestSeriesSet(observations, grid: grid)
        var changeSettings = settings.change
        changeSettings.windowBuckets = settings.windowBuckets
        let detector = ChangeDetector(settings: changeSettings)
        var anomalies: [Anomaly] = []
        let servicesWithEndpointSeries = Set(series.keys.compactMap { key -> String? in
            if case .endpoint(let service, _) = key { return service }
            return nil
        })
        for key in series.keys {
            guard let buckets = series[key] else { continue }
            var metrics: [ChangeMetric] = [.failures, .slow]
            switch key {
            case .errorLogs: metrics = [.failures]
            case .selfTime: metrics = [.slow]
            case .endpoint: metrics.append(.fast)
            case .service(let name) where !servicesWithEndpointSeries.contains(name): metrics.append(.fast)
            default: break
            }
            for metric in metrics {
                for var anomaly in detector.anomalies(in: buckets, key: key, metric: metric) {
                    anomaly.startTime = grid.start(anomaly.onset)
                    anomaly.endTime = grid.start(anomaly.end)
                    anomalies.append(anomaly)
                }
            }
        }
        for climb in MemoryClimb.find(in: observations) where grid.contains(climb.onset) {
            let key: SeriesKey = climb.instance.map { .instance(climb.service, $0) } ?? .service(climb.service)
            anomalies.append(Anomaly(
                key: key, metric: .memoryClimb, onset: grid.index(climb.onset), end: grid.index(climb.end) + 1, affected: 0, total: 0,
                baselineRatio: climb.reference, ratio: climb.peakValue / climb.reference, zScore: 10 * (climb.peakValue / climb.reference - 1),
                startTime: climb.onset, endTime: max(climb.end, climb.onset + grid.bucketMicros)))
        }
        for plateau in CPUPlateau.find(in: observations) where grid.contains(plateau.start) {
            let key: SeriesKey = plateau.instance.map { .instance(plateau.service, $0) } ?? .service(plateau.service)
            anomalies.append(Anomaly(
                key: key, metric: .cpuPlateau, onset: grid.index(plateau.start), end: grid.index(plateau.end) + 1, affected: 0, total: 0,
                baselineRatio: plateau.before, ratio: plateau.during / max(plateau.before, 1), zScore: 6,
                startTime: plateau.start, endTime: plateau.end))
        }
        for outage in InstanceOutage.find(in: observations, grid: grid) {
            anomalies.append(Anomaly(
                key: .instance(outage.service, outage.instance), metric: .silent, onset: grid.index(outage.start),
                end: grid.index(outage.end - 1) + 1, affected: 0, total: 0, baselineRatio: 1, ratio: 0, zScore: 8,
                startTime: outage.start, endTime: outage.end))
        }
        let graph = CallGraph(observations.calls)
        return cluster(anomalies, graph: graph).map { window(for: $0, grid: grid, observations: observations) }
            .sorted { $0.start < $1.start }
    }

    /// Groups anomalies that are near in time and touch in the call graph (same service, or caller
    /// and callee).
    func cluster(_ anomalies: [Anomaly], graph: CallGraph) -> [[Anomaly]] {
        var parent = Array(anomalies.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        for a in anomalies.indices {
            for b in anomalies.indices where b > a && anomalies[a].isNear(anomalies[b], gap: settings.mergeGapBuckets) {
                let touching = anomalies[a].key.services.contains { one in
                    anomalies[b].key.services.contains { other in one == other || graph.adjacent(one, other) }
                }
                if touching { parent[root(a)] = root(b) }
            }
        }
        return Dictionary(grouping: anomalies.indices, by: root).values.map { $0.map { anomalies[$0] } }
    }

    private func window(for anomalies: [Anomaly], grid: TimeGrid, observations: Observations) -> Window {
        let start = grid.start(anomalies.map(\.onset).min()!)
        let end = grid.start(anomalies.map(\.end).max()!)
        let services = Set(anomalies.flatMap(\.key.services))
        let (affected, total, entries) = impact(observations, start: start, end: end, services: services)
        return Window(
            entryServices: entries, start: start, end: end, affected: affected, total: total, services: services,
            anomalies: anomalies.sorted { $0.zScore > $1.zScore }, bucketMicros: grid.bucketMicros)
    }

    /// The user-facing requests in `[start, end)` that failed, or were slower than the 95th percentile
    /// of their service's requests before `start`, and went through one of `services` (a request
    /// hit by another, unrelated incident at the same time is not this one's); and the entry services
    /// that had such requests.
    func impact(
        _ observations: Observations, start: Int64, end: Int64, services: Set<String>
    ) -> ([Observations.ServerSpan], Int, Set<String>) {
        var touched = Set<String>()
        for span in observations.spans(from: start, until: end) where !span.isEntry && services.contains(span.service) {
            if let id = span.correlationID { touched.insert(id) }
        }
        for call in observations.calls(from: start, until: end) where services.contains(call.target) || services.contains(call.caller) {
            if let id = call.correlationID { touched.insert(id) }
        }
        func involved(_ span: Observations.ServerSpan) -> Bool {
            services.contains(span.service) || span.correlationID.map(touched.contains) ?? true
        }
        let before = observations.spans(from: start - 30 * 60_000_000, until: start).filter { $0.isEntry && $0.outcome != .clientError }
        let thresholds = Dictionary(grouping: before, by: \.service).compactMapValues { spans in
            spans.count >= 20 ? Quantile.of(spans.map(\.durationMS), 0.95) : nil
        }
        var affected: [Observations.ServerSpan] = []
        var total = 0
        var byService: [String: (affected: Int, total: Int)] = [:]
        for span in observations.spans(from: start, until: end) where span.isEntry {
            total += 1
            byService[span.service, default: (0, 0)].total += 1
            let slow = thresholds[span.service].map { span.durationMS > $0 * 1.5 } ?? false
            if span.outcome == .failure || (span.outcome == .ok && slow), involved(span) {
                affected.append(span)
                byService[span.service, default: (0, 0)].affected += 1
            }
        }
        let entries = Set(byService.filter { $0.value.affected > 0 }.keys)
        return (affected, total, entries)
    }
}
