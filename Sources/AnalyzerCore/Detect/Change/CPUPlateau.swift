/// An instance pinned at a CPU level far above its own normal for minutes: a runaway loop, a hot
/// path, a noisy neighbour taking its share. Judged on `cpu_limit_percent` when reported (a container
/// at its limit), else on `cpu_percent`. Spikes that a periodic job makes, and that the instance
/// already showed before, are not plateaus: it must last ``minimumSeconds`` and stand above anything
/// the instance did before.
struct CPUPlateau: Sendable, Hashable {
    var service: String
    var instance: String?
    var start: Int64
    var end: Int64
    var before: Double
    var during: Double

    static let minimumSeconds: Int64 = 150

    static func find(in observations: Observations) -> [CPUPlateau] {
        var byInstance: [Observations.InstanceKey: [String: [Observations.Gauge]]] = [:]
        for gauge in observations.gauges where gauge.name == "cpu_percent" || gauge.name == "cpu_limit_percent" {
            byInstance[Observations.InstanceKey(service: gauge.service, instance: gauge.instance ?? ""), default: [:]][gauge.name, default: []]
                .append(gauge)
        }
        var result: [CPUPlateau] = []
        for (key, byName) in byInstance.sorted(by: { ($0.key.service, $0.key.instance) < ($1.key.service, $1.key.instance) }) {
            let ofLimit = byName["cpu_limit_percent"] != nil
            guard let readings = byName["cpu_limit_percent"] ?? byName["cpu_percent"] else { continue }
            result += plateaus(readings, ofLimit: ofLimit).map { run in
                CPUPlateau(
                    service: key.service, instance: key.instance.isEmpty ? nil : key.instance, start: run.start, end: run.end,
                    before: run.before, during: run.during)
            }
        }
        return result
    }

    /// Runs of readings far above the median of everything before them.
    static func plateaus(_ readings: [Observations.Gauge], ofLimit: Bool) -> [(start: Int64, end: Int64, before: Double, during: Double)] {
        guard readings.count >= 8 else { return [] }
        var result: [(Int64, Int64, Double, Double)] = []
        var index = 4
        while index < readings.count {
            let history = readings[..<index].map(\.value)
            guard let normal = Statistics.median(history), let usualPeak = history.max() else { break }
            func high(_ value: Double) -> Bool {
                let saturated = ofLimit ? value >= 60 : (value >= 80 || (value >= 40 && value >= 4 * max(normal, 5)))
                return saturated && value >= 2 * max(normal, 5) && value > 1.2 * usualPeak
            }
            guard high(readings[index].value) else {
                index += 1
                continue
            }
            var last = index
            while last + 1 < readings.count, high(readings[last + 1].value) || (last + 2 < readings.count && high(readings[last + 2].value)) {
                last += 1
            }
            let start = readings[index].time
            let end = readings[last].time
            if end - start >= minimumSeconds * 1_000_000 {
                let during = Statistics.median(readings[index...last].map(\.value)) ?? readings[index].value
                result.append((start, end, normal, during))
            }
            index = last + 1
        }
        return result
    }
}
