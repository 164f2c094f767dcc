import Foundation
import Gzip
import OTLPModel
import ServiceLog
import ShipperCore

/// A sink stage that turns each NDJSON batch into an OTLP logs export request (protobuf, gzip) and
/// hands it to the HTTP sink below, so a sidecar can feed an OpenTelemetry Collector, Vector or any
/// OTLP backend with the same batching, spool, retries and acknowledgement rules as towards the
/// analyzer. The HTTP sink must be configured for OTLP: `Content-Type: application/x-protobuf`, path
/// `/v1/logs`.
///
/// A line that is not a canonical event (the shaper makes every line one, so only a corrupt spool
/// would hold such a line) is sent as a record whose body is the line, never dropped.
public final class OTLPBatchSink: BatchSink {
    private let next: any BatchSink
    private let clock: @Sendable () -> Timestamp

    /// Wraps `next`, which delivers the encoded request.
    public init(sending next: any BatchSink, clock: @escaping @Sendable () -> Timestamp = { .now() }) {
        self.next = next
        self.clock = clock
    }

    public func deliver(_ payload: BatchPayload) -> DeliveryOutcome {
        let body: [UInt8]
        do {
            body = try Self.encode(payload, observed: clock())
        } catch {
            // Not the receiver's answer: the bytes in the spool could not be read back. Resending the
            // same bytes cannot succeed.
            return .rejected(status: 0, reason: "the batch could not be encoded as OTLP: \(error)")
        }
        return next.deliver(BatchPayload(body: body, contentEncoding: "gzip", eventCount: payload.eventCount))
    }

    /// The OTLP request for one NDJSON payload, gzip-compressed.
    public static func encode(_ payload: BatchPayload, observed: Timestamp) throws -> [UInt8] {
        let ndjson = payload.contentEncoding == "gzip" ? try Gzip.decompress(payload.body, maxOutputBytes: .max) : payload.body
        var events: [Event] = []
        var start = 0
        while start < ndjson.count {
            let end = ndjson[start...].firstIndex(of: UInt8(ascii: "\n")) ?? ndjson.count
            if end > start {
                let line = ndjson[start..<end]
                let event = line.withUnsafeBytes { bytes in try? Event(jsonLine: bytes) }
                events.append(event ?? Self.unreadable(line, observed: observed))
            }
            start = end + 1
        }
        let request = OTLPLogEncoding.request(for: events, observed: observed)
        return try Gzip.compress(try request.serializedBytes())
    }

    static func unreadable(_ line: ArraySlice<UInt8>, observed: Timestamp) -> Event {
        Event(timestamp: observed, level: .warning, service: "logshipper", payload: .log, message: String(decoding: line, as: UTF8.self), source: "logshipper.unreadable")
    }
}
