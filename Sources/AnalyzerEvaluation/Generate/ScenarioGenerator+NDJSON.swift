import ServiceLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a scenario file could not be written.
public struct ScenarioWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file that could not be written.
    public var path: String
    /// The `errno` of the failed call.
    public var code: Int32

    /// An error for `path` with `errno` value `code`.
    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
    }

    /// `cannot write PATH: REASON`.
    public var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}

extension ScenarioGenerator {
    /// Writes the scenario's events to `path` as NDJSON (one `event.jsonLine()` per line), replacing the
    /// file. The label is not written: it is the answer the analyzer must find.
    ///
    /// Streams through a 1 MiB buffer with `write(2)`, so memory stays flat for any scenario size.
    public static func writeNDJSON(_ scenario: Scenario, to path: String) throws(ScenarioWriteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ScenarioWriteError(path: path, code: errno) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws(ScenarioWriteError) {
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ScenarioWriteError(path: path, code: errno)
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            for event in scenario.events {
                buffer.append(contentsOf: event.jsonLine().utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 { try flush() }
            }
            try flush()
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw ScenarioWriteError(path: path, code: errno) }
    }
}
