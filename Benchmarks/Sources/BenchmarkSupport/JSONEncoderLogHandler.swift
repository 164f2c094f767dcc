import Foundation
import Logging
import Synchronization

/// The baseline the issue names: a structured JSON `LogHandler` as one would write it with Foundation.
///
/// Fields arrive as swift-log metadata (the same dictionary ``StreamLogHandler`` gets). The handler lifts
/// the known ones into a `Codable` record, keeps the rest as `[String: String]`, stamps the time with an
/// `ISO8601DateFormatter` (fractional seconds) and encodes with `JSONEncoder`. One encoder and one
/// formatter are created up front and reused under a lock (neither is thread-safe), and lines go to a
/// ``BufferedSink``: what is measured is the Codable/Foundation path, not setup or syscalls.
public struct JSONEncoderLogHandler: LogHandler {
    /// One line.
    struct Record: Encodable {
        var timestamp: String
        var level: String
        var service: String
        var eventType: String
        var correlationID: String?
        var traceID: String?
        var spanID: String?
        var method: String?
        var endpoint: String?
        var userID: String?
        var metadata: [String: String]

        enum CodingKeys: String, CodingKey {
            case timestamp, level, service
            case eventType = "event_type"
            case correlationID = "correlation_id"
            case traceID = "trace_id"
            case spanID = "span_id"
            case method, endpoint
            case userID = "user_id"
            case metadata
        }
    }

    /// Foundation's encoder and formatter, created once.
    struct Tools {
        let encoder: JSONEncoder
        let formatter: ISO8601DateFormatter

        init() {
            encoder = JSONEncoder()
            formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        }
    }

    final class Core: Sendable {
        let service: String
        let sink: BufferedSink
        let tools = Mutex(Tools())

        init(service: String, sink: BufferedSink) {
            self.service = service
            self.sink = sink
        }
    }

    private let core: Core
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(service: String, sink: BufferedSink) {
        core = Core(service: service, sink: sink)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let date = Date()
        var record = Record(
            timestamp: "", level: event.level.rawValue, service: core.service, eventType: event.message.description,
            metadata: [:])
        let explicit = event.metadata ?? [:]
        let fields = metadata.isEmpty ? explicit : metadata.merging(explicit) { _, new in new }
        for (key, value) in fields {
            let text: String
            switch value {
            case .string(let string): text = string
            default: text = value.description
            }
            switch key {
            case "service": record.service = text
            case "event_type": record.eventType = text
            case "correlation_id": record.correlationID = text
            case "trace_id": record.traceID = text
            case "span_id": record.spanID = text
            case "method": record.method = text
            case "endpoint": record.endpoint = text
            case "user_id": record.userID = text
            default: record.metadata[key] = text
            }
        }
        let line: Data? = core.tools.withLock { tools in
            record.timestamp = tools.formatter.string(from: date)
            return try? tools.encoder.encode(record)
        }
        guard let line else { return }
        line.withUnsafeBytes { core.sink.append($0) }
        core.sink.append(Self.newline)
    }

    private static let newline = "\n"
}
