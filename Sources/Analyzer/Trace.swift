import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

#if canImport(Glibc)
import Glibc
#endif

/// `analyzer trace ID`: one request as a terminal waterfall.
struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one request across services as a waterfall.",
        discussion: """
            Finds every event of the request by correlation ID (or trace ID), including events that lost \
            their correlation ID but share the trace, rebuilds the span tree and draws it: offset, duration, \
            self time and status per span, the critical path solid (█), failures in red, errors inline.

            Example:
              analyzer trace 5fd5ccb3-d4ae-8ccc-cb6c-dfe96785de2e --store analyzer.sqlite
            """)

    @Argument(help: "Correlation ID or 32-hex trace ID of the request.")
    var id: String

    @Option(help: "SQLite store to read.")
    var store = "analyzer.sqlite"

    @Flag(help: "Print the trace as JSON instead of a waterfall.")
    var json = false

    @Flag(help: "No colors, even on a terminal.")
    var noColor = false

    func run() async throws {
        let eventStore = try openStore(store)
        guard let trace = try await Correlator(store: eventStore).trace(id: id) else {
            throw ValidationError("no events with correlation or trace ID '\(id)' in \(store)")
        }
        if json {
            print(try jsonText(TraceReport(trace)))
        } else {
            let color = !noColor && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(WaterfallRenderer(style: TerminalStyle(enabled: color)).render(trace))
        }
    }
}

/// Opens the SQLite store, with an error that says what to do when it does not exist.
func openStore(_ path: String) throws -> SQLiteEventStore {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("no store at '\(path)': load events first with `analyzer ingest --store \(path) FILE...` or `analyzer serve --store \(path)`")
    }
    return try SQLiteEventStore(path: path)
}

/// Pretty, stable JSON for scripts.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
