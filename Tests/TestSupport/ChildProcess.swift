import Foundation

/// Runs a program to its end, as a user would from a shell, and keeps what it printed.
///
/// One helper for every test that starts a real binary (`analyzer`, `logshipper`, `python3`, `go`), so
/// each does not carry its own copy of the pipe handling.
public enum ChildProcess {
    /// Where the child's standard error goes.
    public enum ErrorOutput: Sendable {
        /// Into ``Outcome/output``, interleaved with standard output (what a terminal shows).
        case merged
        /// Into ``Outcome/errors``, apart (through a file: two pipes read one after the other could
        /// block the child).
        case separate
        /// Discarded.
        case discarded
    }

    /// How the child ended and what it wrote.
    public struct Outcome: Sendable {
        /// The exit status (or the signal's number when it did not exit).
        public var status: Int32
        /// Whether it exited, rather than being ended by a signal (a crash).
        public var exitedNormally: Bool
        /// Standard output (and standard error when ``ErrorOutput/merged``).
        public var output: String
        /// Standard error when ``ErrorOutput/separate``; empty otherwise.
        public var errors: String
    }

    /// Runs `path` with `arguments` until it exits.
    /// - Parameter environment: the child's whole environment; `nil` inherits this process's.
    /// - Parameter directory: the child's working directory; `nil` keeps this process's.
    /// - Parameter input: the child's standard input (through a file, so that no pipe can fill while
    ///   its output is read); `nil` leaves this process's.
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, errors: ErrorOutput = .merged, directory: String? = nil,
        input: Data? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        var errorsFile: URL?
        switch errors {
        case .merged:
            process.standardError = output
        case .discarded:
            process.standardError = FileHandle.nullDevice
        case .separate:
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).err")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: file)
            errorsFile = file
        }
        defer { if let errorsFile { try? FileManager.default.removeItem(at: errorsFile) } }
        var inputFile: URL?
        if let input {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).in")
            _ = FileManager.default.createFile(atPath: file.path, contents: input)
            process.standardInput = try FileHandle(forReadingFrom: file)
            inputFile = file
        }
        defer { if let inputFile { try? FileManager.default.removeItem(at: inputFile) } }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try (process.standardError as? FileHandle)?.close()
        let stderr = errorsFile.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        return Outcome(
            status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
            output: String(decoding: data, as: UTF8.self), errors: stderr)
    }

    /// This process's environment with `changes` applied.
    public static func environment(adding changes: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(changes) { _, added in added }
    }
}

/// The package's executables, built next to the test bundle by `swift build --build-tests`.
public enum BuiltExecutable {
    /// The path of the executable product `name` (`analyzer`, `logshipper`, ...).
    public static func path(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Whether `name` was built.
    public static func exists(_ name: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: path(name))
    }
}
