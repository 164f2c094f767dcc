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

    /// Nanoseconds since the epoch as a timestamp (microseconds); 0 means unset.
    static func timestamp(nanos: UInt64) -> Timestamp? {
        guard nanos > 0 else { return nil }
        return Timestamp(microsecondsSinceEpoch: Int64(nanos / 1000))
    }
}
