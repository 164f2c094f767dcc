/// A leak that ended in harm, found in one instance's memory readings: a steady climb from a flat
/// start to a peak, followed by a restart (the reading falls back near where it started) or by the
/// instance disappearing while the service goes on (killed and replaced).
///
/// A climb that never ends in a restart is not an incident on its own: a cache filling up looks the
/// same until it plateaus. Those climbs still count as evidence when something else opened the
/// incident (``GaugeSignals``).
struct MemoryClimb: Sendable, Hashable {
    var service: String
    var instance: String?
    /// When the climb began, when it peaked, and when the restart was seen.
    var onset: Int64
    var peak: Int64
    var end: Int64
    var reference: Double
    var peakValue: Double

    /// Climbs that ended in a restart, in every instance of every service.
    static func find(in observations: Observations) -> [MemoryClimb] {
        var byInstance: [Observations.InstanceKey: [Observations.Gauge]] = [:]
        for gauge in observations.gauges where gauge.name == "memory_mb" {
            byInstance[Observations.InstanceKey(service: gauge.service, instance: gauge.instance ?? ""), default: []].append(gauge)
        }
        var result: [MemoryClimb] = []
        for (key, readings) in byInstance.sorted(by: { ($0.key.service, $0.key.instance) < ($1.key.service, $1.key.instance) }) {
            let replaced = replacedAtEnd(key, readings, observations)
            result += climbs(in: readings, service: key.service, instance: key.instance.isEmpty ? nil : key.instance, replacedAtEnd: replaced)
        }
        return result
    }

    /// Whether the instance stopped reporting well before the data ends while another instance of its
    /// service went on (an instance killed and replaced).
    static func replacedAtEnd(_ key: Observations.InstanceKey, _ readings: [Observations.Gauge], _ observations: Observations) -> Bool {
        guard let last = readings.last?.time, readings.count >= 3 else { return false }
        let interval = (last - readings[0].time) / Int64(readings.count - 1)
        guard observations.last - last > 3 * max(interval, 1_000_000) else { return false }
        return observations.instanceEventTimes.contains { other, times in
            other.service == key.service && other.instance != key.instance && (times.last ?? 0) > last + 2 * max(interval, 1_000_000)
        }
    }

    /// Steady climbs to at least 25% above their start that end in a fall back (or a replacement).
    static func climbs(in readings: [Observations.Gauge], service: String, instance: String?, replacedAtEnd: Bool) -> [MemoryClimb] {
        var result: [MemoryClimb] = []
        var floor = 0
        var index = 1
        while index < readings.count {
            let isLast = index == readings.count - 1
            let fellBack = !isLast && readings[index + 1].value < readings[index].value * 0.8
            guard fellBack || (isLast && replacedAtEnd) else {
                index += 1
                continue
            }
            let segment = Array(readings[floor...index])
            if let climb = climb(segment, service: service, instance: instance, end: isLast ? readings[index].time : readings[index + 1].time) {
                let after = isLast ? nil : readings[index + 1].value
                if after.map({ $0 <= climb.reference + 0.5 * (climb.peakValue - climb.reference) }) ?? true { result.append(climb) }
            }
            floor = index + 1
            index += 2
        }
        return result
    }

    /// The climb ending at the last reading of `segment`, if it is one: from the last reading near the
    /// segment's low start, at least four readings mostly going up, no single step making most of it.
    static func climb(_ segment: [Observations.Gauge], service: String, instance: String?, end: Int64) -> MemoryClimb? {
        guard segment.count >= 4, let peak = segment.last else { return nil }
        let reference = Statistics.median(segment.prefix(max(3, segment.count / 4)).map(\.value)) ?? segment[0].value
        guard reference > 0, peak.value >= 1.25 * reference, peak.value - reference >= 5 else { return nil }
        var start = 0
        for index in segment.indices.dropLast() where segment[index].value <= reference * 1.05 { start = index }
        let rising = Array(segment[start...])
        let steps = zip(rising, rising.dropFirst()).map { $1.value - $0.value }
        guard rising.count >= 4, Double(steps.filter { $0 > 0 }.count) >= 0.6 * Double(steps.count),
            (steps.max() ?? 0) <= 0.5 * (peak.value - reference)
        else { return nil }
        return MemoryClimb(
            service: service, instance: instance, onset: rising[0].time, peak: peak.time, end: end, reference: reference, peakValue: peak.value)
    }
}
