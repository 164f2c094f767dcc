import Foundation
import Logging
import ServiceLog
import ServiceLogTracing
import Synchronization

/// An in-memory output: the lines a real output would have received.
final class CapturingOutput: LogOutput {
    private let storage = Mutex<[UInt8]>([])

    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        storage.withLock { $0.append(contentsOf: lines) }
    }

    /// Every line written so far, parsed by Foundation's strict JSON parser (an independent reader).
    func objects() throws -> [[String: Any]] {
        let text = storage.withLock { String(decoding: $0, as: UTF8.self) }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }
}

/// A tracer and a logger of one service writing to one captured output, outside the global systems.
struct TracedService {
    let output = CapturingOutput()
    let tracer: ServiceLogTracer
    let logger: Logger
    let writer: LineWriter

    init(_ service: String, peerServices: [String: String] = [:]) {
        let configuration = ServiceLogConfiguration(service: service, host: "test-host", logLevel: .debug)
        writer = ServiceLog.makeWriter(configuration: configuration, output: output)
        tracer = ServiceLogTracer(configuration: configuration, writer: writer, peerServices: peerServices)
        let handler = ServiceLogHandler(label: service, configuration: configuration, writer: writer)
        logger = Logger(label: service, factory: { _ in handler })
    }

    /// The lines written, once every one has reached the output.
    func events() throws -> [[String: Any]] {
        writer.flush()
        return try output.objects()
    }
}

