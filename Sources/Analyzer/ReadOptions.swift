import AnalyzerCore
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The options every command that reads the store shares: where the store is, and how to print.
struct ReadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("SQLite store to read (written by `analyzer serve` or `analyzer ingest`).", valueName: "path"))
    var store = "./analyzer.sqlite"

    @OptionGroup(title: "Settings") var configFile: ConfigFileOption

    @Flag(help: "Print JSON instead of text (a stable shape for scripts).")
    var json = false

    @Flag(help: "No colors, even on a terminal (NO_COLOR in the environment does the same).")
    var noColor = false

    /// Colors only on a terminal, and never when asked not to.
    var style: TerminalStyle {
        TerminalStyle(enabled: !noColor && isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    /// Opens the store, with an error that says what to do when it does not exist.
    func openStore() throws -> SQLiteEventStore {
        guard FileManager.default.fileExists(atPath: store) else {
            throw AnalyzerError(
                "no store at '\(store)': load events first with `analyzer ingest --store \(store) FILE...` or `analyzer serve --store \(store)`")
        }
        return try SQLiteEventStore(path: store)
    }

    /// The bounded window of `--since`/`--until` (``AnalysisWindow``: at most 31 days and `maxEvents`
    /// events, ending at the newest event not ahead of this machine's clock); what the bounds left out
    /// is said on standard error. `nil` when the store is empty.
    func window(in eventStore: SQLiteEventStore, since: TimeBound?, until: TimeBound?, maxEvents: Int) async throws -> AnalysisWindow? {
        let window = try await AnalysisWindow.resolve(
            in: eventStore, from: since?.timestamp, until: until?.timestamp, limits: AnalysisWindow.Limits(maxEvents: maxEvents))
        for note in window?.notes ?? [] {
            FileHandle.standardError.write(Data("note: \(note) (--since, --until and --max-events choose the window)\n".utf8))
        }
        return window
    }

    /// The request with this correlation or trace ID, or a validation error naming the store.
    func trace(_ id: String, in eventStore: SQLiteEventStore) async throws -> RequestTrace {
        guard let trace = try await Correlator(store: eventStore).trace(id: id) else {
            throw AnalyzerError("no events with correlation or trace ID '\(id)' in \(store)")
        }
        return trace
    }
}

/// Pretty, stable JSON for scripts.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A failure at run time (not a misuse of the flags): printed as `Error: …` without the usage text.
struct AnalyzerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
