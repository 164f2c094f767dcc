import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

/// `analyzer validate`: checks NDJSON files line by line with the same parser the analyzer ingests with.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that files hold valid canonical events, one per line.",
        discussion: """
            Prints one line per invalid event (FILE:LINE: reason) and a summary per file. Exits 0 when every \
            line is valid, 1 otherwise. Use '-' to read standard input.

            Example:
              analyzer validate demo-events/*.ndjson
            """)

    @Argument(help: "NDJSON files to check ('-' for standard input).")
    var files: [String]

    @Option(help: "Stop listing invalid lines after this many per file (all are still counted).")
    var maxReported = 20

    func run() throws {
        var anyInvalid = false
        for file in files {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read '\(file)': no such file or not readable")
                }
                data = contents
            }
            var valid = 0
            var invalid = 0
            var lineNumber = 0
            data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var start = 0
                while start < bytes.count {
                    let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                    lineNumber += 1
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                    if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                        do {
                            _ = try Event(jsonLine: line)
                            valid += 1
                        } catch {
                            invalid += 1
                            if invalid <= maxReported { print(TerminalText.escaped("\(file):\(lineNumber): \(error)")) }
                        }
                    }
                    start = end + 1
                }
            }
            print("\(file): \(valid) valid, \(invalid) invalid")
            anyInvalid = anyInvalid || invalid > 0
        }
        if anyInvalid { throw ExitCode.failure }
    }
}
