import Foundation

/// What a service's resource gauges say, instance by instance: memory that climbs (and the restart
/// that ends it), CPU at saturation, pools, threads or descriptors at their limit.
///
/// Gauges are read from well before the incident: a leak's memory starts climbing long before users
/// notice, and that onset is what decides the kind.
enum GaugeSignals {
    static func findings(for service: String, in context: RankingContext) -> [Finding] {
        let readings = context.observations.gauges(from: context.baselineStart, until: context.end).filter { $0.service == service }
        guard !readings.isEmpty else { return [] }
        let byInstance = Dictionary(grouping: readings) { $0.instance ?? "" }
        let multiple = byInstance.count >= 2
        var result: [Finding] = []
        var memory: [Finding] = []
        var cpu: [Finding] = []
        for (instance, readings) in byInstance.sorted(by: { $0.key < $1.key }) {
            let label = multiple && !instance.isEmpty ? " (instance \(instance))" : ""
            let byName = Dictionary(grouping: readings, by: \.name)
            memory += memoryGrowth(service, byName["memory_mb"] ?? [], label: label, context)
            // Under a CPU limit (a container), what counts is the share of the limit, when it is reported.
            if let limited = limitShare(byName) {
                cpu += cpuSaturation(service, limited, label: label, ofLimit: true, context)
            } else {
                cpu += cpuSaturation(service, byName["cpu_percent"] ?? [], label: label, ofLimit: false, context)
            }
            result += pools(service, byName, label: label, context)
            result += growth(service, byName["threads"] ?? [], name: "threads", label: label, context)
            result += growth(service, byName["open_fds"] ?? [], name: "open file descriptors", label: label, context)
        }
        if let strongest = memory.max(by: { $0.score < $1.score }) { result.append(strongest) }
        if let strongest = cpu.max(by: { $0.score < $1.score }) { result.append(strongest) }
        return result
    }

    /// A leak: memory climbs steadily from a flat start, faster than before, to a real share of the
    /// heap. The climb's start is the onset; a fall back near the start after the peak is a restart.
    static func memoryGrowth(_ service: String, _ readings: [Observations.Gauge], label: String, _ context: RankingContext) -> [Finding] {
        let before = readings.filter { $0.time < context.start }
        let during = readings.filter { $0.time >= context.start }
        guard before.count >= 3, during.count >= 2 else { return [] }
        let reference = Statistics.median(before.prefix(max(3, before.count / 2)).map(\.value)) ?? before[0].value
        guard reference > 0, let highest = readings.indices.filter({ readings[$0].time >= context.start }).max(by: { readings[$0].value < readings[$1].value })
        else { return [] }
        // The climb ends where it first came close to its highest reading, during the incident or in
        // the minutes before it: a leak that reached a ceiling (a heap limit, swap) stays there while
        // users start to feel it, and the flat part after it is no part of the climb.
        let top = readings[highest].value
        let peakIndex = readings.indices.first { $0 <= highest && readings[$0].value >= top - 0.02 * (top - reference) } ?? highest
        let peak = readings[peakIndex].value
        // The climb starts after the last reading near the reference before the peak.
        var onsetIndex = 0
        for index in 0..<peakIndex where readings[index].value <= reference * 1.03 { onsetIndex = index }
        let rising = Array(readings[onsetIndex...peakIndex])
        let growth = (peak - reference) / reference
        guard rising.count >= 3, growth >= 0.15, peak - reference >= 5 else { return [] }
        let slope = Statistics.slopePerSecond(times: rising.map(\.time), values: rising.map(\.value)) ?? 0
        let earlier = Array(readings[..<onsetIndex])
        let oldSlope = earlier.count >= 3 ? (Statistics.slopePerSecond(times: earlier.map(\.time), values: earlier.map(\.value)) ?? 0) : 0
        guard slope > 0, slope > 3 * max(oldSlope, 0) + 0.005 else { return [] }
        // Steady: most steps of the climb go up and none makes most of it (a leak), rather than one
        // jump (a cache loaded, a batch, another process's level).
        let steps = zip(rising, rising.dropFirst()).map { $1.value - $0.value }
        let ups = steps.filter { $0 > 0 }.count
        guard rising.count >= 4, Double(ups) >= 0.6 * Double(steps.count), (steps.max() ?? 0) <= 0.5 * (peak - reference) else { return [] }
        let after = readings[(peakIndex + 1)...]
        let restarted = after.contains { $0.value <= reference + 0.3 * (peak - reference) }
        let stoppedReporting = readings[peakIndex].time < context.end - 3 * context.window.bucketMicros
            && context.observations.instances(of: service).count >= 2 && !label.isEmpty
        var summary = "\(service)'s memory grew from \(ms(reference)) MB to \(ms(peak)) MB (\(String(format: "%+.1f", slope * 60)) MB/min)\(label)"
        if restarted { summary += ", then fell back: it restarted (an out-of-memory kill?)" }
        else if stoppedReporting { summary += ", then it stopped reporting (killed?)" }
        return [Finding(
            score: min(6, 2 + 4 * growth) + (restarted || stoppedReporting ? 1 : 0), hint: .memory,
            evidence: Evidence(signal: "memory_growth", summary: summary, before: reference, during: peak),
            onset: rising.first?.time)]
    }

    /// CPU far above its baseline and high in absolute terms (100 = one core) for most of the incident.
    /// Medians, and a baseline that already saw such readings (a periodic job), keep spikes out.
    static func cpuSaturation(
        _ service: String, _ readings: [Observations.Gauge], label: String, ofLimit: Bool, _ context: RankingContext
    ) -> [Finding] {
        let before = readings.filter { $0.time < context.start }.map(\.value)
        let during = readings.filter { $0.time >= context.start }.map(\.value)
        guard !during.isEmpty, before.count + during.count >= 3, let old = Statistics.median(before), let new = Statistics.median(during)
        else { return [] }
        let saturated = ofLimit
            ? new >= 60 && new >= 1.8 * max(old, 5)
            : (new >= 80 && new >= 1.8 * max(old, 5)) || (new >= 40 && new >= 4 * max(old, 5))
        guard saturated else { return [] }
        // A baseline whose own high readings reach this level has seen it before: a periodic job.
        if let usualPeak = Quantile.of(before, 0.9), usualPeak >= 0.8 * new { return [] }
        let onset = readings.first { $0.time >= context.baselineStart && $0.value >= (old + new) / 2 }?.time
        return [Finding(
            score: min(5, 2 + new / 100), hint: .cpu,
            evidence: Evidence(
                signal: "cpu_saturation",
                summary: "\(service)'s CPU went from \(ms(old))% to \(ms(new))% \(ofLimit ? "of its CPU limit" : "(100% = one core)")\(label)",
                before: old, during: new),
            onset: onset)]
    }

    /// Pools in use at (or near) their size: `X_in_use`/`X_active`/`X_used` against `X_size`/`X_max`/
    /// `X_limit`/`X_capacity`, or a gauge of callers waiting for one (`X_pending`, `X_waiting`).
    static func pools(_ service: String, _ byName: [String: [Observations.Gauge]], label: String, _ context: RankingContext) -> [Finding] {
        var result: [Finding] = []
        for name in byName.keys.sorted() {
            guard let (stem, _) = split(name, suffixes: ["_in_use", "_active", "_used", "_busy"]) else { continue }
            let capacityName = (["_size", "_max", "_limit", "_capacity", "_total"].map { stem + $0 } + ["max_" + stem]).first { byName[$0] != nil }
            guard let capacityName, let capacity = Statistics.median((byName[capacityName] ?? []).map(\.value)), capacity > 0 else { continue }
            let readings = byName[name] ?? []
            let before = readings.filter { $0.time < context.start }
            let during = readings.filter { $0.time >= context.start }
            guard during.count >= 2 else { continue }
            func fullShare(_ list: [Observations.Gauge]) -> Double {
                list.isEmpty ? 0 : Double(list.filter { $0.value >= 0.9 * capacity }.count) / Double(list.count)
            }
            let now = fullShare(during)
            let then = fullShare(before)
            guard now >= 0.4, then < 0.15 else { continue }
            let onset = readings.first { $0.time >= context.baselineStart && $0.value >= 0.9 * capacity }?.time
            result.append(Finding(
                score: 4 + 2 * now, hint: .pool,
                evidence: Evidence(
                    signal: "pool_saturation",
                    summary: "\(service)'s \(name) was at its limit (\(ms(capacity))) in \(percent(now)) of readings during the incident, \(percent(then)) before\(label)",
                    before: then, during: now),
                onset: onset))
        }
        for name in byName.keys.sorted() where split(name, suffixes: ["_pending", "_waiting", "_queued"]) != nil {
            let readings = byName[name] ?? []
            let before = readings.filter { $0.time < context.start }.map(\.value)
            let during = readings.filter { $0.time >= context.start }.map(\.value)
            guard let new = Statistics.median(during), new >= 1, (Quantile.of(before, 0.9) ?? 0) * 3 + 1 <= new else { continue }
            result.append(Finding(
                score: 3, hint: .pool,
                evidence: Evidence(
                    signal: "pool_waiters", summary: "\(service)'s \(name) rose to \(ms(new)) (typically \(ms(Statistics.median(before) ?? 0)))\(label)",
                    before: Statistics.median(before), during: new),
                onset: nil))
        }
        return result
    }

    /// Threads or descriptors that pile up: a leak of handles or a pool that never gives back.
    static func growth(_ service: String, _ readings: [Observations.Gauge], name: String, label: String, _ context: RankingContext) -> [Finding] {
        let before = readings.filter { $0.time < context.start }.map(\.value)
        let during = readings.filter { $0.time >= context.start }.map(\.value)
        guard let old = Statistics.median(before), let peak = during.max(), let usual = Quantile.of(before, 0.9) else { return [] }
        guard peak >= 1.5 * max(old, 1), peak - old >= 20, (Statistics.median(during) ?? 0) > usual else { return [] }
        return [Finding(
            score: 2, hint: .pool,
            evidence: Evidence(
                signal: name == "threads" ? "thread_growth" : "fd_growth",
                summary: "\(service)'s \(name) rose from \(ms(old)) to \(ms(peak))\(label)", before: old, during: peak),
            onset: nil)]
    }

    /// CPU as a share of the container's limit (percent), from `cpu_limit_percent` or the
    /// OpenTelemetry-style `cpu_limit_utilization` (a ratio), when the service reports one.
    static func limitShare(_ byName: [String: [Observations.Gauge]]) -> [Observations.Gauge]? {
        if let percent = byName["cpu_limit_percent"], !percent.isEmpty { return percent }
        if let ratio = byName["cpu_limit_utilization"], !ratio.isEmpty {
            return ratio.map { reading in
                var scaled = reading
                scaled.value *= 100
                return scaled
            }
        }
        return nil
    }

    static func split(_ name: String, suffixes: [String]) -> (String, String)? {
        for suffix in suffixes where name.hasSuffix(suffix) && name.count > suffix.count {
            return (String(name.dropLast(suffix.count)), suffix)
        }
        return nil
    }
}
