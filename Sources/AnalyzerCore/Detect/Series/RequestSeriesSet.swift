/// Every request series of a window, bucket by bucket: per service, per instance (for services with
/// several), per endpoint (for services with several), and per call edge.
struct RequestSeriesSet: Sendable {
    let grid: TimeGrid
    private(set) var series: [SeriesKey: [RequestBucket]] = [:]

    /// Endpoints beyond this many per service (raw paths with IDs in them) get no series of their own.
    static let maximumEndpointsPerService = 24

    init(_ observations: Observations, grid: TimeGrid) {
        self.grid = grid
        var instances: [String: Set<String>] = [:]
        var endpoints: [String: [String: Int]] = [:]
        var spansPerService: [String: Int] = [:]
        for span in observations.spans {
            spansPerService[span.service, default: 0] += 1
            if let instance = span.instance { instances[span.service, default: []].insert(instance) }
            endpoints[span.service, default: [:]][span.endpoint, default: 0] += 1
        }
        var keptEndpoints: [String: Set<String>] = [:]
        for (service, counts) in endpoints where counts.count >= 2 && counts.count <= Self.maximumEndpointsPerService {
            let floor = max(1, (spansPerService[service] ?? 0) / 100)
            keptEndpoints[service] = Set(counts.filter { $0.value >= floor }.keys)
        }
        let empty = [RequestBucket](repeating: RequestBucket(), count: grid.count)
        for span in observations.spans where grid.contains(span.time) {
            let bucket = grid.index(span.time)
            var keys: [SeriesKey] = [.service(span.service)]
            if let instance = span.instance, (instances[span.service]?.count ?? 0) >= 2 { keys.append(.instance(span.service, instance)) }
            if keptEndpoints[span.service]?.contains(span.endpoint) == true { keys.append(.endpoint(span.service, span.endpoint)) }
            for key in keys {
                if series[key] == nil { series[key] = empty }
                series[key]![bucket].add(outcome: span.outcome, durationMS: span.durationMS)
            }
            // Own time matters where a service waits on others: for a leaf it is its duration again.
            if span.childCount > 0 || series[.selfTime(span.service)] != nil {
                if series[.selfTime(span.service)] == nil { series[.selfTime(span.service)] = empty }
                series[.selfTime(span.service)]![bucket].add(outcome: span.outcome, durationMS: span.selfMS)
            }
        }
        var callers: [String: Set<String>] = [:]
        for call in observations.calls { callers[call.target, default: []].insert(call.caller) }
        for call in observations.calls where grid.contains(call.time) {
            var keys = [SeriesKey.edge(caller: call.caller, target: call.target)]
            if (callers[call.target]?.count ?? 0) >= 2 { keys.append(.incoming(call.target)) }
            for key in keys {
                if series[key] == nil { series[key] = empty }
                series[key]![grid.index(call.time)].add(outcome: call.outcome, durationMS: call.durationMS)
            }
        }
        addErrorLogs(observations, empty: empty)
        for key in series.keys {
            for index in 0..<grid.count where series[key]![index].latencies.count > 1 {
                series[key]![index].latencies.sort()
            }
        }
    }

    /// Own error messages per request, per service that writes any: `total` is the requests it
    /// handled in the bucket (or the errors, when more), `failures` the errors.
    private mutating func addErrorLogs(_ observations: Observations, empty: [RequestBucket]) {
        var errors: [String: [Int]] = [:]
        for message in MessageSignals.deduplicated(observations.errorMessages) where message.isError && !message.inherited && grid.contains(message.time) {
            errors[message.service, default: [Int](repeating: 0, count: grid.count)][grid.index(message.time)] += 1
        }
        for (service, counts) in errors {
            var buckets = empty
            let requests = series[.service(service)]
            for index in 0..<grid.count {
                let handled = requests?[index].total ?? 0
                buckets[index].failures = counts[index]
                buckets[index].total = max(handled, counts[index])
            }
            series[.errorLogs(service)] = buckets
        }
    }

    /// The keys, in a stable order.
    var keys: [SeriesKey] { series.keys.sorted() }

    subscript(key: SeriesKey) -> [RequestBucket]? { series[key] }
}

extension RequestBucket {
    mutating func add(outcome: RequestOutcome, durationMS: Double) {
        total += 1
        switch outcome {
        case .failure:
            failures += 1
            latencies.append(durationMS)
        case .clientError:
            clientErrors += 1
        case .ok:
            latencies.append(durationMS)
        }
    }
}
