/// The kind of fault a candidate's findings point at: decided by the evidence specific to a kind and
/// by what changed first, not by which symptom is loudest. A leak ends in errors, timeouts and an
/// out-of-memory restart, but its memory climbed first; a leaked pool ends in 503s, but its gauges
/// sat at the limit and its errors name the pool.
enum FaultKindDecision {
    static func kind(of findings: [Finding], context: RankingContext) -> FaultKind {
        var total: [Finding.Hint: Double] = [:]
        for finding in findings { total[finding.hint, default: 0] += finding.score }
        let slack = 2 * context.window.bucketMicros
        let memoryGrowth = findings.first { $0.evidence.signal == "memory_growth" }
        let memoryWords = findings.contains { $0.evidence.signal == "out_of_memory_errors" }
        let cpu = findings.first { $0.hint == .cpu }
        if let memoryGrowth {
            let symptoms = findings.filter { [.latency, .errors, .unavailable, .network].contains($0.hint) }.compactMap(\.onset)
            let firstSymptom = min(symptoms.min() ?? context.start, context.start)
            let memoryFirst = (memoryGrowth.onset ?? .max) <= firstSymptom + slack
            let beforeCPU = cpu.map { (memoryGrowth.onset ?? .max) + context.window.bucketMicros <= ($0.onset ?? .max) } ?? true
            if memoryWords || (memoryFirst && beforeCPU) || (cpu == nil && memoryGrowth.score >= 4) { return .memoryLeak }
        } else if memoryWords, (total[.pool] ?? 0) == 0 {
            return .memoryLeak
        }
        if (total[.pool] ?? 0) >= 2 { return .resourceExhaustion }
        if let cpu, cpu.score >= 2 { return .cpuSaturation }
        if (total[.unavailable] ?? 0) >= 3 { return .unavailable }
        if memoryGrowth != nil { return .memoryLeak }
        if (total[.network] ?? 0) > 0 { return .latency }
        let errors = total[.errors] ?? 0
        let latency = total[.latency] ?? 0
        if errors > 0 || latency > 0 { return errors >= latency ? .errors : .latency }
        return .unknown
    }
}
