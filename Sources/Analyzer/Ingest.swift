import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

/// `analyzer ingest`: loads NDJSON files into the SQLite store, for events that did not arrive over
/// HTTP (archives, files copied off a host, the demo's output).
struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load NDJSON event files (plain or gzip) into the SQLite store.",
        discussion: """
            Reads each FILE line by line ('-' reads standard input), parses every line as a canonical event \
            (docs/event-format.md) and stores the valid ones in the SQLite database given by --store \
            (./analyzer.sqlite by default), creating it if needed. Gzip input is recognised by its content, \
            whatever the file's name; concatenated gzip members are read whole. Files of any size are read \
            in constant memory.

            Events already stored (same event_id; for events without one, the same content) are skipped and \
            counted as duplicates, so loading a file twice is safe. An invalid line is counted and listed as \
            FILE:LINE: reason, and the valid lines around it are still stored.

            While a file takes more than half a second, a progress line on standard error shows the bytes \
            read, the events parsed and their rate. A summary per file and in total goes to standard output.

            Exit status: 0 when every line was a valid event; 1 when some line was invalid, or a file could \
            not be read to its end (a truncated .gz: the events before the cut are stored); 64 on bad \
            arguments (a missing FILE, an unusable --store).

            Examples:
              analyzer ingest demo-events/*.ndjson
              analyzer ingest --store /srv/analyzer.sqlite archive/*.ndjson.gz
              ssh web-1 cat /var/log/shop/events.ndjson | analyzer ingest -
            """)

    @Option(help: ArgumentHelp("SQLite database to load into (created if missing).", valueName: "path"))
    var store = "./analyzer.sqlite"

    @Option(help: "Lines read per transaction. Each commit waits for the disk: larger batches load faster.")
    var batchSize = 10_000

    @Option(help: "Longer lines are rejected as invalid.")
    var maxLineBytes = ByteCount(DecodingLimits().maxLineBytes)

    @Option(help: "List at most this many invalid lines per file (all are counted).")
    var maxReported = 10

    @Flag(help: "Do not print the progress line.")
    var quiet = false

    @OptionGroup(title: "Settings") var configFile: ConfigFileOption

    @Argument(help: ArgumentHelp("NDJSON files, plain or gzip ('-' for standard input).", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one FILE ('-' for standard input)") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("'-' (standard input) can be given only once") }
        for file in files where file != "-" {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw ValidationError("FILE '\(file)' does not exist")
            }
            guard !isDirectory.boolValue else { throw ValidationError("FILE '\(file)' is a directory") }
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("FILE '\(file)' is not readable") }
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxLineBytes.bytes >= 1 else { throw ValidationError("--max-line-bytes must be at least 1") }
        guard maxReported >= 0 else { throw ValidationError("--max-reported must not be negative") }
        try validateStorePath()
    }

    /// Checks what can be checked before SQLite tries: a clearer message than "unable to open database file".
    private func validateStorePath() throws {
        let directory = URL(fileURLWithPath: store).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--store '\(store)': directory '\(directory)' does not exist")
        }
        if FileManager.default.fileExists(atPath: store, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw ValidationError("--store '\(store)' is a directory") }
            guard FileManager.default.isWritableFile(atPath: store) else { throw ValidationError("--store '\(store)' is not writable") }
        } else {
            guard FileManager.default.isWritableFile(atPath: directory) else {
                throw ValidationError("--store '\(store)': directory '\(directory)' is not writable")
            }
        }
    }

    func run() async throws {
        let eventStore: SQLiteEventStore
        do {
            eventStore = try SQLiteEventStore(path: store)
        } catch {
            // Exit 64 like the checks in `validate()`, without the usage text a ValidationError would add.
            IngestProgress.writeStandardError("Error: --store '\(store)': cannot open or create the SQLite store: \(error)\n")
            throw ExitCode.validationFailure
        }
        var progress = IngestProgress(enabled: !quiet)
        var total = IngestSummary(name: "total")
        let clock = ContinuousClock()
        let started = clock.now
        for file in files {
            let summary = try await load(file, into: eventStore, progress: &progress)
            progress.clear()
            if let error = summary.readError { IngestProgress.writeStandardError("error: \(error)\n") }
            print(summary.report(maxReported: maxReported))
            total.add(summary)
        }
        let elapsed = clock.now - started
        if files.count > 1 { print(total.report(maxReported: 0)) }
        let seconds = String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("\(total.inserted + total.duplicates) valid events in \(seconds) s (\(IngestProgress.rate(total.inserted + total.duplicates, in: elapsed)) events/s) into \(store)")
        if total.invalid > 0 || total.failedFiles > 0 { throw ExitCode.failure }
    }

    /// Loads one file. Parsing the next batch overlaps with SQLite storing the previous one (they run on
    /// different threads), and batches are stored in file order, one at a time.
    private func load(_ file: String, into store: SQLiteEventStore, progress: inout IngestProgress) async throws -> IngestSummary {
        var summary = IngestSummary(name: file == "-" ? "stdin" : file)
        let options = NDJSONFileReader.Options(batchSize: batchSize, limits: DecodingLimits(maxLineBytes: maxLineBytes.bytes))
        let reader: NDJSONFileReader
        do {
            reader = try NDJSONFileReader(path: file, options: options)
        } catch {
            summary.readError = error
            return summary
        }
        progress.startFile()
        var storing: Task<StoreReceipt, any Error>?
        do {
            while let batch = try reader.nextBatch() {
                summary.record(batch, maxReported: maxReported)
                if let storing { summary.add(try await storing.value) }
                let events = batch.events
                storing = events.isEmpty ? nil : Task { try await store.insert(events) }
                progress.update(file: summary.name, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes, events: reader.validCount)
            }
        } catch let error as NDJSONReadError {
            summary.readError = error
        }
        if let storing { summary.add(try await storing.value) }
        summary.lines = reader.lineCount
        return summary
    }
}

/// What loading one file (or all of them) did.
struct IngestSummary {
    let name: String
    var lines = 0
    var inserted = 0
    var duplicates = 0
    var invalid = 0
    /// The first invalid lines, as `FILE:LINE: reason`.
    var firstInvalid: [String] = []
    var readError: NDJSONReadError?
    var failedFiles = 0

    mutating func record(_ batch: NDJSONBatch, maxReported: Int) {
        invalid += batch.invalidLines.count
        for line in batch.invalidLines where firstInvalid.count < maxReported {
            // A reason quotes the line's values: escaped, so that none can drive the terminal.
            firstInvalid.append(TerminalText.escaped("\(name):\(line.lineNumber): \(line.reason)"))
        }
    }

    mutating func add(_ receipt: StoreReceipt) {
        inserted += receipt.inserted
        duplicates += receipt.duplicates
    }

    mutating func add(_ file: IngestSummary) {
        lines += file.lines
        inserted += file.inserted
        duplicates += file.duplicates
        invalid += file.invalid
        failedFiles += file.readError == nil ? 0 : 1
    }

    /// `NAME: N lines: I inserted, D duplicates, V invalid`, then the listed invalid lines.
    func report(maxReported: Int) -> String {
        var text = "\(TerminalText.escaped(name)): \(lines) lines: \(inserted) inserted, \(duplicates) duplicates, \(invalid) invalid"
        if readError != nil { text += " (read stopped early)" }
        if failedFiles > 0 { text += ", files not read to the end: \(failedFiles)" }
        for line in firstInvalid { text += "\n  " + line }
        if invalid > firstInvalid.count && !firstInvalid.isEmpty {
            text += "\n  ... and \(invalid - firstInvalid.count) more invalid lines (--max-reported)"
        }
        return text
    }
}
