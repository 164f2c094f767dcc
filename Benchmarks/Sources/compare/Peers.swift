import Foundation

/// The Go loggers' figures from `go-peers/bench.go` (its `RESULT` lines), measured in the same
/// `compare.sh` run as ServiceLog, and the comparison the issue asks for: ServiceLog/zerolog.
struct PeerFigures {
    var p50: Double
    var p95: Double
    var best: Double
    var allocations: Double
    var eventsPerSecondToFile: Double

    /// `logger` -> its figures, one entry per RESULT line; a logger measured more than once (before and
    /// after the Swift benchmarks) gets the mean of its runs, which evens out a load change between them.
    static func load(_ path: String) -> [String: PeerFigures] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var runs: [String: [PeerFigures]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("RESULT ") {
            let words = line.split(separator: " ")
            guard words.count >= 3 else { continue }
            var values: [String: Double] = [:]
            for pair in words.dropFirst(3) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
            }
            let figures = PeerFigures(
                p50: values["p50_ns"] ?? .nan, p95: values["p95_ns"] ?? .nan, best: values["best_ns"] ?? .nan,
                allocations: values["allocs"] ?? .nan, eventsPerSecondToFile: values["events_per_s"] ?? .nan)
            runs[String(words[1]), default: []].append(figures)
        }
        return runs.mapValues { list in
            func mean(_ value: (PeerFigures) -> Double) -> Double { list.map(value).reduce(0, +) / Double(list.count) }
            return PeerFigures(
                p50: mean(\.p50), p95: mean(\.p95), best: mean(\.best), allocations: mean(\.allocations),
                eventsPerSecondToFile: mean(\.eventsPerSecondToFile))
        }
    }
}

extension Compare {
    /// Prints the per-event figures of ServiceLog's two paths next to zerolog's and zap's (p50 and p95
    /// of samples of 1000 events, allocations per event), the ratios, and the targets. Returns whether
    /// the targets are met.
    static func printPeers(_ peers: [String: PeerFigures], typed: Figures?, swiftLog: Figures?) -> Bool {
        print("")
        print("Against Go's zerolog and zap, same event (request_start + 2 fields, 15 fields in all), same run")
        print("  " + "".padding(toLength: 48, withPad: " ", startingAt: 0) + pad("p50 ns", 10) + pad("p95 ns", 10) + pad("best", 9) + pad("allocs", 9))
        func row(_ label: String, _ p50: Double, _ p95: Double, _ best: Double, _ allocations: Double) {
            print(
                "  " + label.padding(toLength: 48, withPad: " ", startingAt: 0) + pad(format(p50), 10) + pad(format(p95), 10)
                    + pad(format(best), 9) + pad(format(allocations, digits: 2), 9))
        }
        if let typed { row("ServiceLog typed fields", typed.nanoseconds, typed.p95Nanoseconds, typed.bestNanoseconds, typed.allocations) }
        if let swiftLog {
            row("ServiceLog swift-log path (metadata dictionary)", swiftLog.nanoseconds, swiftLog.p95Nanoseconds, swiftLog.bestNanoseconds, swiftLog.allocations)
        }
        for name in ["zerolog", "zap"] {
            guard let peer = peers[name] else { continue }
            row(name, peer.p50, peer.p95, peer.best, peer.allocations)
        }
        guard let zerolog = peers["zerolog"] else {
            print("  (no zerolog figures: see the message above)")
            return true
        }
        print("")
        print("Ratios (p50 per event; below 1 means ServiceLog is faster)")
        let typedRatio = typed.map { $0.nanoseconds / zerolog.p50 }
        let swiftLogRatio = swiftLog.map { $0.nanoseconds / zerolog.p50 }
        printRatio("ServiceLog typed fields / zerolog", typedRatio)
        printRatio("ServiceLog swift-log path / zerolog", swiftLogRatio)
        printRatio("ServiceLog typed fields / zerolog (best samples)", typed.map { $0.bestNanoseconds / zerolog.best })
        if let zap = peers["zap"] {
            printRatio("ServiceLog typed fields / zap", typed.map { $0.nanoseconds / zap.p50 })
            printRatio("ServiceLog swift-log path / zap", swiftLog.map { $0.nanoseconds / zap.p50 })
        }
        print("")
        print("Targets (issue 18)")
        var report = TargetReport()
        report.verdict(
            "typed path <= \(format(maxTypedToZerolog, digits: 1))x zerolog", typedRatio.map { $0 <= maxTypedToZerolog },
            typedRatio.map { "\(format($0, digits: 2))x" } ?? "")
        report.verdict(
            "typed path <= \(Int(maxTypedAllocations)) allocation", typed.map { $0.allocations <= maxTypedAllocations + 0.005 },
            typed.map { format($0.allocations, digits: 2) } ?? "")
        report.verdict(
            "swift-log path <= \(format(maxSwiftLogToZerolog, digits: 1))x zerolog", swiftLogRatio.map { $0 <= maxSwiftLogToZerolog },
            swiftLogRatio.map { "\(format($0, digits: 2))x" } ?? "")
        return report.allMet
    }
}
