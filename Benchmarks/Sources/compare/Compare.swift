import BenchmarkSupport
import Foundation
import Logging

/// Reads the JMH export of a `swift package benchmark` run and prints the figures the issue asks for:
/// ns and allocations per event for ServiceLog, StreamLogHandler and the JSONEncoder handler, the
/// ratios, the below-level comparison, and whether the targets are met. Run by `compare.sh`.
///
/// Time is the median sample (robust on a shared machine), with the fastest sample as "(best)" (for
/// CPU-bound code, the least disturbed); allocations are the mean (an occasional buffer growth is a
/// real cost and belongs in the average). All are divided by the operations per sample (``Sampling``).
@main
struct Compare {
    /// The targets from the issue.
    static let maxNanoseconds = 300.0
    static let maxAllocations = 2.0
    static let minSpeedupOverJSONEncoder = 5.0

    struct Figures {
        var nanoseconds: Double
        var bestNanoseconds: Double
        var allocations: Double
        var cpuNanoseconds: Double?
        var p95Nanoseconds: Double = .nan
    }

    /// The issue 18 targets, against zerolog in the same run.
    static let maxTypedToZerolog = 1.0
    static let maxTypedAllocations = 1.0
    static let maxSwiftLogToZerolog = 1.5

    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--lines"] { return printLines() }
        let check = arguments.contains("--check")
        arguments.removeAll { $0 == "--check" }
        var peers: [String: PeerFigures]?
        if let flag = arguments.firstIndex(of: "--peers"), flag + 1 < arguments.count {
            peers = PeerFigures.load(arguments[flag + 1])
            arguments.removeSubrange(flag...(flag + 1))
        }
        guard let path = arguments.first else {
            print("usage: compare [--check] RESULTS.jmh.json | compare --lines")
            exit(2)
        }
        let (results, order) = try load(path)
        func figures(_ target: String, _ name: String, perSample: Int) -> Figures? {
            results["\(target).\(name.replacingOccurrences(of: " ", with: "_"))"].map { metrics in
                let wall = metrics["Time (wall clock)"]
                let mallocs = metrics["Malloc (total)"]
                let cpu = metrics["Time (total CPU)"]
                let medianNanoseconds = (wall?.median ?? .nan) * 1_000  // JMH reports time in µs
                return Figures(
                    nanoseconds: medianNanoseconds / Double(perSample),
                    bestNanoseconds: (wall?.minimum ?? .nan) * 1_000 / Double(perSample),
                    allocations: (mallocs?.mean ?? .nan) / Double(perSample),
                    // /proc's CPU time has 10 ms resolution: only meaningful for samples far longer.
                    cpuNanoseconds: medianNanoseconds >= 100_000_000 ? cpu.map { $0.mean * 1_000 / Double(perSample) } : nil,
                    p95Nanoseconds: (wall?.p95 ?? .nan) * 1_000 / Double(perSample))
            }
        }

        let event = Sampling.eventsPerSample
        let typed = figures("RequestStart", "ServiceLog typed fields", perSample: event)
        let serviceLog = figures("RequestStart", "ServiceLog requestStart", perSample: event)
        let pipeline = figures("RequestStart", "ServiceLog requestStart incl. writer", perSample: Sampling.pipelineEventsPerSample)
        let stream = figures("RequestStart", "StreamLogHandler", perSample: event)
        let json = figures("RequestStart", "JSONEncoder handler", perSample: event)
        let belowServiceLog = figures("BelowLevel", "ServiceLog below level", perSample: Sampling.belowLevelCallsPerSample)
        let belowSwiftLog = figures("BelowLevel", "swift-log below level", perSample: Sampling.belowLevelCallsPerSample)

        print("")
        print("request_start with 8 fields + 2 metadata values, to /dev/null (per event)")
        printTable([
            ("ServiceLog typed fields (caller)", typed),
            ("ServiceLog requestStart (caller)", serviceLog),
            ("ServiceLog requestStart incl. writer", pipeline),
            ("StreamLogHandler", stream),
            ("JSONEncoder handler", json),
            ("ServiceLog below level (per call)", belowServiceLog),
            ("swift-log below level (per call)", belowSwiftLog),
        ])

        print("")
        print("Ratios (time per event)")
        let speedupJSON = ratio(json, serviceLog)
        printRatio("JSONEncoder handler / ServiceLog", speedupJSON)
        printRatio("JSONEncoder handler / ServiceLog incl. writer", ratio(json, pipeline))
        printRatio("StreamLogHandler / ServiceLog", ratio(stream, serviceLog))
        printRatio("StreamLogHandler / ServiceLog incl. writer", ratio(stream, pipeline))
        let belowRatio = ratio(belowServiceLog, belowSwiftLog)
        printRatio("ServiceLog below level / swift-log below level", belowRatio)

        print("")
        print("Targets")
        var report = TargetReport()
        report.verdict(
            "<= \(Int(maxNanoseconds)) ns per event", serviceLog.map { $0.nanoseconds <= maxNanoseconds },
            serviceLog.map { "\(format($0.nanoseconds)) ns (caller)" } ?? "")
        report.verdict(
            "<= \(Int(maxAllocations)) allocations per event", serviceLog.map { $0.allocations <= maxAllocations + 0.005 },
            serviceLog.map { "\(format($0.allocations, digits: 2)) (caller, incl. the metadata dictionary)" } ?? "")
        report.verdict(
            ">= \(Int(minSpeedupOverJSONEncoder))x faster than JSONEncoder handler", speedupJSON.map { $0 >= minSpeedupOverJSONEncoder },
            speedupJSON.map { "\(format($0, digits: 1))x" } ?? "")
        report.verdict(
            "below level ~ swift-log's level check", belowRatio.map { $0 <= 1.5 },
            belowRatio.map { "\(format($0, digits: 2))x (within 1.5x)" } ?? "")

        // Breakdown names have no underscores, so the JMH key gives the name back. Slowest first.
        let breakdown = order.filter { $0.hasPrefix("EmitBreakdown.") }.map { key in
            let name = String(key.dropFirst("EmitBreakdown.".count)).replacingOccurrences(of: "_", with: " ")
            return (name, figures("EmitBreakdown", name, perSample: Sampling.breakdownOperationsPerSample))
        }
        if !breakdown.isEmpty {
            print("")
            print("Where ServiceLog's time goes (EmitBreakdown, per operation, slowest first)")
            printTable(breakdown.sorted { ($0.1?.nanoseconds ?? 0) > ($1.1?.nanoseconds ?? 0) }, unit: "op")
        }
        let peersMet = peers.map { printPeers($0, typed: typed, swiftLog: serviceLog) } ?? true
        if check && !(report.allMet && peersMet) { exit(1) }
    }

    /// Prints the line each handler writes for the benchmark event, to check the comparison is like
    /// for like.
    static func printLines() {
        func label(_ text: String) {
            FileHandle.standardOutput.write(Data((text + ":\n").utf8))
        }
        label("ServiceLog")
        let serviceLog = makeServiceLogLogger(fileDescriptor: dup(1))
        Fixture.context.withCurrent { Fixture.logTyped(serviceLog.logger) }
        serviceLog.writer.flush()
        for (name, make) in [("StreamLogHandler", makeStreamLogger), ("JSONEncoder handler", makeJSONEncoderLogger)] {
            label(name)
            let sink = BufferedSink(fileDescriptor: dup(1))
            Fixture.context.withCurrent { Fixture.logAsMetadata(make(sink, .info)) }
            sink.flush()
        }
    }

    struct Metric {
        var mean: Double
        var median: Double
        var minimum: Double
        var p95: Double
    }

    /// `target.name` -> metric description -> figures, from a JMH export; and the keys in run order.
    static func load(_ path: String) throws -> ([String: [String: Metric]], [String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let elements = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return ([:], []) }
        var results: [String: [String: Metric]] = [:]
        var order: [String] = []
        for element in elements {
            guard let benchmark = element["benchmark"] as? String else { continue }
            let key = benchmark.replacingOccurrences(of: "package.benchmark.", with: "")
            var metrics: [String: Metric] = [:]
            for (name, value) in element["secondaryMetrics"] as? [String: Any] ?? [:] {
                guard let metric = value as? [String: Any], let mean = metric["score"] as? Double,
                    let percentiles = metric["scorePercentiles"] as? [String: Any], let median = percentiles["50.0"] as? Double,
                    let minimum = percentiles["0.0"] as? Double
                else { continue }
                let p95 = percentiles["95.0"] as? Double ?? .nan
                metrics[name] = Metric(mean: mean, median: median, minimum: minimum, p95: p95)
            }
            results[key] = metrics
            order.append(key)
        }
        return (results, order)
    }

    static func ratio(_ numerator: Figures?, _ denominator: Figures?) -> Double? {
        guard let numerator, let denominator, denominator.nanoseconds > 0 else { return nil }
        return numerator.nanoseconds / denominator.nanoseconds
    }

    static func printTable(_ rows: [(String, Figures?)], unit: String = "event") {
        let header = "  " + "".padding(toLength: 48, withPad: " ", startingAt: 0)
            + pad("ns/\(unit)", 10) + pad("(best)", 9) + pad("allocs/\(unit)", 14) + pad("CPU ns/\(unit)", 14)
        print(header)
        for (label, figures) in rows {
            let name = "  " + label.padding(toLength: 48, withPad: " ", startingAt: 0)
            guard let figures else {
                print(name + pad("not run", 10))
                continue
            }
            print(
                name + pad(format(figures.nanoseconds), 10) + pad(format(figures.bestNanoseconds), 9)
                    + pad(format(figures.allocations, digits: 2), 14)
                    + pad(figures.cpuNanoseconds.map { format($0) } ?? "-", 14))
        }
    }

    static func printRatio(_ label: String, _ value: Double?) {
        print("  " + label.padding(toLength: 56, withPad: " ", startingAt: 0) + pad(value.map { format($0, digits: 2) + "x" } ?? "n/a", 10))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    static func format(_ value: Double, digits: Int = 1) -> String {
        value.isNaN ? "n/a" : String(format: "%.\(digits)f", value)
    }
}
