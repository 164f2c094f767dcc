import Foundation
import OTLPModel
import ServiceLog
import W3CTraceContext

/// Who sent a batch of telemetry, from its OpenTelemetry resource.
struct OTLPResourceIdentity {
    /// `service.name`; `nil` when the resource has none (its telemetry is refused, not guessed).
    var service: String?
    /// `service.instance.id`, else the pod's name, else the host's name and process id.
    var instance: String?
    /// `host.name`, else the Kubernetes node's name.
    var host: String?

    init(_ resource: Opentelemetry_Proto_Resource_V1_Resource) {
        var attributes = OTLPAttributes(resource.attributes)
        service = attributes.string("service.name")
        host = attributes.string("host.name", "k8s.node.name")
        let pid = attributes.string("process.pid")
        instance = attributes.string("service.instance.id", "k8s.pod.name", "container.id")
            ?? host.map { host in pid.map { "\(host):\($0)" } ?? host }
    }

    /// Why a resource's telemetry is refused.
    static let missingServiceName =
        "the resource has no service.name: set it in the SDK (OTEL_SERVICE_NAME) or with the collector's resource processor"
}

/// OTLP's binary trace and span IDs as the format's IDs.
enum OTLPIDs {
    /// A 16-byte, not all-zero trace ID; anything else is no trace ID.
    static func traceID(_ data: Data) -> TraceID? {
        guard data.count == 16, data.contains(where: { $0 != 0 }) else { return nil }
        return data.withUnsafeBytes { TraceID(bytes: $0.loadUnaligned(as: TraceID.Bytes.self)) }
    }

    /// An 8-byte, not all-zero span ID; anything else is no span ID.
    static func spanID(_ data: Data) -> SpanID? {
        guard data.count == 8, data.contains(where: { $0 != 0 }) else { return nil }
        return data.withUnsafeBytes { SpanID(bytes: $0.loadUnaligned(as: SpanID.Bytes.self)) }
    }

    /// Lower-case hex, as the format writes IDs.
    static func hex(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count * 2)
        for byte in data {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Nanoseconds since the epoch as a timestamp (microseconds); 0 means unset.
    static func timestamp(nanos: UInt64) -> Timestamp? {
        guard nanos > 0 else { return nil }
        return Timestamp(microsecondsSinceEpoch: Int64(nanos / 1000))
    }
}

extension Data {
    /// Bytes from an even number of hex digits; `nil` for anything else.
    init?(hexDigits text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var position = 0
        while position < digits.count {
            guard let high = nibble(digits[position]), let low = nibble(digits[position + 1]) else { return nil }
            bytes.append(high << 4 | low)
            position += 2
        }
        self.init(bytes)
    }
}
