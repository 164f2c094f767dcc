/// One instance of several that went silent for a while: it stopped writing events while the others
/// went on, and no new instance took its place (a rolling restart replaces an instance within
/// seconds; a crash, a hang or a stop leaves the service short of one). Load balancers route around
/// it after a few refused connections, so users barely notice; the capacity is gone all the same.
struct InstanceOutage: Sendable, Hashable {
    var service: String
    var instance: String
    var start: Int64
    var end: Int64

    /// Silences of at least `minimumBuckets` buckets.
    static func find(in observations: Observations, grid: TimeGrid, minimumBuckets: Int = 9) -> [InstanceOutage] {
        var byService: [String: [(String, [Int64])]] = [:]
        for (key, times) in observations.instanceEventTimes where !key.instance.isEmpty {
            byService[key.service, default: []].append((key.instance, times))
        }
        var result: [InstanceOutage] = []
        for (service, instances) in byService.sorted(by: { $0.key < $1.key }) where instances.count >= 2 {
            let counts = instances.map { _, times in
                var perBucket = [Int](repeating: 0, count: grid.count)
                for time in times where grid.contains(time) { perBucket[grid.index(time)] += 1 }
                return perBucket
            }
            let firstSeen = instances.map { $0.1.first ?? .max }
            for (position, (instance, times)) in instances.enumerated() {
                guard let first = times.first, let last = times.last else { continue }
                let bucketsOfLife = grid.index(last) - grid.index(first) + 1
                // Its typical activity: the median of its busy buckets, over three buckets.
                let busy = counts[position].filter { $0 > 0 }.map(Double.init)
                guard busy.count >= 9, let typical = Statistics.median(busy), typical >= 2, bucketsOfLife >= 18 else { continue }
                var run: ClosedRange<Int>?
                func close() {
                    guard let silent = run, silent.count >= minimumBuckets else { return }
                    let start = grid.start(silent.lowerBound)
                    let end = grid.start(silent.upperBound + 1)
                    // Others must go on meanwhile, and none may have started near its silence (a replacement).
                    let othersActive = counts.indices.contains { other in
                        other != position && silent.allSatisfy { counts[other][$0] > 0 }
                    }
                    let replaced = firstSeen.enumerated().contains { other, seen in
                        other != position && seen >= start - 30_000_000 && seen <= start + 90_000_000
                    }
                    if othersActive && !replaced { result.append(InstanceOutage(service: service, instance: instance, start: start, end: end)) }
                }
                let from = grid.index(first) + 3
                let until = grid.index(last)
                guard from < until else { continue }
                for bucket in from..<until {
                    let recent = counts[position][max(0, bucket - 1)...bucket].reduce(0, +)
                    if Double(recent) < 0.1 * 2 * typical {
                        run = (run?.lowerBound ?? bucket)...bucket
                    } else {
                        close()
                        run = nil
                    }
                }
                close()
                // Gone for good before the data ends, with no replacement: silent until the end.
                let endBucket = grid.index(observations.last)
                if endBucket - grid.index(last) >= minimumBuckets {
                    run = (grid.index(last) + 1)...endBucket
                    close()
                }
            }
        }
        return result
    }
}
