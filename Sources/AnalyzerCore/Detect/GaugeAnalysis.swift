/// Resource gauges before vs during an incident: memory growth (leak), CPU saturation, pools at
/// capacity, and any other gauge that moved far from its baseline.
enum GaugeAnalysis {
    static func evidence(for service: String, in observations: Observations, before: (Int64, Int64), during: (Int64, Int64)) -> [(Double, Evidence)] {
        let readings = observations.gauges.filter { $0.service == service && $0.time >= before.0 && $0.time < during.1 }
        guard !readings.isEmpty else { return [] }
        let byName = Dictionary(grouping: readings, by: \.name)
        func split(_ name: String) -> (old: [Observations.Gauge], new: [Observations.Gauge]) {
            let all = byName[name] ?? []
            return (all.filter { $0.time < before.1 }, all.filter { $0.time >= during.0 })
        }
        var result: [(Double, Evidence)] = []

        // Memory: a leak is steady growth, faster than before, that adds up to a real share of the heap.
        let memory = split("memory_mb")
        // Up to the peak: a leak that ends in a restart drops back to normal inside the window.
        if let peakIndex = memory.new.indices.max(by: { memory.new[$0].value < memory.new[$1].value }) {
            let rising = Array(memory.new[...peakIndex])
            let peak = memory.new[peakIndex].value
            let baseline = Statistics.mean(memory.old.map(\.value)) ?? memory.new[0].value
            let growth = (peak - baseline) / max(baseline, 1)
            let slope = Statistics.slopePerSecond(times: rising.map(\.time), values: rising.map(\.value)) ?? 0
            let oldSlope = Statistics.slopePerSecond(times: memory.old.map(\.time), values: memory.old.map(\.value)) ?? 0
            if rising.count >= 3, slope > 0, slope > 3 * max(oldSlope, 0) + 0.01, growth >= 0.2 {
                result.append((min(6, 2 + 4 * growth), Evidence(
                    signal: "memory_growth",
                    summary: "\(service)'s memory grew from \(ms(baseline)) MB to \(ms(peak)) MB (\(String(format: "%+.1f", slope * 60)) MB/min) during the incident",
                    before: baseline, during: peak)))
            }
        }

        // CPU: saturated when far above its baseline and high in absolute terms (100 = one core). On a
        // shared host a spinning service gets only its share of the cores, so a many-fold jump to half
        // a core counts as well as a smaller jump to most of one.
        let cpu = split("cpu_percent")
        if let old = Statistics.mean(cpu.old.map(\.value)), let new = Statistics.mean(cpu.new.map(\.value)), cpu.new.count >= 2,
            (new >= 80 && new >= 1.8 * max(old, 5)) || (new >= 40 && new >= 4 * max(old, 5))
        {
            result.append((min(5, 2 + new / 100), Evidence(
                signal: "cpu_saturation", summary: "\(service)'s CPU went from \(ms(old))% to \(ms(new))% (100% = one core)",
                before: old, during: new)))
        }

        // Pools: in use at (or near) their size.
        for name in byName.keys where name.hasSuffix("_in_use") {
            let sizeName = String(name.dropLast("_in_use".count)) + "_size"
            let inUse = split(name)
            let size = split(sizeName)
            guard let capacity = Statistics.mean((size.old + size.new).map(\.value)), capacity > 0, inUse.new.count >= 2 else { continue }
            // The share of readings at (or near) capacity: a pool that is full half the time is exhausted.
            func fullShare(_ readings: [Observations.Gauge]) -> Double {
                readings.isEmpty ? 0 : Double(readings.filter { $0.value >= 0.9 * capacity }.count) / Double(readings.count)
            }
            let during = fullShare(inUse.new)
            let before = fullShare(inUse.old)
            if during >= 0.4, before < 0.1 {
                let peak = inUse.new.map(\.value).max() ?? 0
                result.append((4, Evidence(
                    signal: "pool_saturation",
                    summary: "\(service)'s \(name) was at its size (\(ms(capacity))) in \(percent(during)) of readings during the incident, \(percent(before)) before (peak \(ms(peak)))",
                    before: before, during: during)))
            }
        }
        return result
    }
}
