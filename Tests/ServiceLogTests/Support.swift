import Foundation
import Logging
import ServiceLog
import Synchronization

/// An in-memory output: what a real output would have received, line by line.
final class CapturingOutput: LogOutput {
    private let storage = Mutex<[UInt8]>([])

    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        storage.withLock { $0.append(contentsOf: lines) }
    }

    var text: String { storage.withLock { String(decoding: $0, as: UTF8.self) } }

    var lines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

/// A logger whose handler writes to `output`, without touching the global logging system.
func makeLogger(
    service: String = "test-service", output: any LogOutput, level: Logger.Level = .trace,
    configure: (inout ServiceLogConfiguration) -> Void = { _ in }
) -> (Logger, LineWriter) {
    var configuration = ServiceLogConfiguration(service: service, host: "test-host", logLevel: level)
    configure(&configuration)
    let writer = ServiceLog.makeWriter(configuration: configuration, output: output)
    let handler = ServiceLogHandler(label: "test", configuration: configuration, writer: writer)
    return (Logger(label: "test", factory: { _ in handler }), writer)
}

/// Parses a line with Foundation's strict JSON parser (an independent check of our encoder).
func foundationObject(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [])
    guard let dictionary = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
    return dictionary
}

/// A unique temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("servicelog-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
