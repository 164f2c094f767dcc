import Foundation

/// The analyzer's answers as a new user gets them: the scenario written as NDJSON, loaded with
/// `analyzer ingest` into a fresh store, and `analyzer incidents --json` run on it, each as a process.
/// Any `analyzer` binary will do (another build, another branch).
public struct CLIIncidents: IncidentSource {
    /// Why the analyzer could not be run.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The `analyzer` executable.
    public var analyzerPath: String
    /// Where the scenario files and stores go (each removed afterwards).
    public var workDirectory: String

    public init(analyzerPath: String, workDirectory: String = NSTemporaryDirectory()) {
        self.analyzerPath = analyzerPath
        self.workDirectory = workDirectory
    }

    public func incidentsJSON(for scenario: Scenario) async throws -> Data {
        let base = (workDirectory as NSString).appendingPathComponent("eval-\(scenario.name)-\(UUID().uuidString)")
        let file = base + ".ndjson"
        let store = base + ".sqlite"
        let errorFile = base + ".stderr"
        defer {
            for path in [file, store, store + "-wal", store + "-shm", errorFile] { try? FileManager.default.removeItem(atPath: path) }
        }
        try ScenarioGenerator.writeNDJSON(scenario, to: file)
        _ = try run(["ingest", "--quiet", "--store", store, file], errorFile: errorFile)
        var output = try run(["incidents", "--store", store, "--json"], errorFile: errorFile)
        if output.last == 0x0A { output.removeLast() }
        return output
    }

    /// Runs the analyzer; its standard output, or a failure with its standard error (kept in a file,
    /// so that neither pipe can fill up and block the child).
    func run(_ arguments: [String], errorFile: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyzerPath)
        process.arguments = arguments
        let output = Pipe()
        guard FileManager.default.createFile(atPath: errorFile, contents: nil), let errors = FileHandle(forWritingAtPath: errorFile) else {
            throw Failure(description: "cannot write \(errorFile)")
        }
        defer { try? errors.close() }
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(
                description: "cannot run \(analyzerPath): \(error.localizedDescription); build it (swift build) or pass --analyzer PATH")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = FileManager.default.contents(atPath: errorFile) ?? Data()
            throw Failure(
                description:
                    "analyzer \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))"
            )
        }
        return data
    }
}
