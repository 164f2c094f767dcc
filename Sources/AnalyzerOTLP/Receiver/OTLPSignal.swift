/// The three kinds of telemetry OTLP/HTTP carries, each on its own path.
public enum OTLPSignal: String, Sendable, CaseIterable {
    /// `POST /v1/traces`: spans.
    case traces
    /// `POST /v1/logs`: log records.
    case logs
    /// `POST /v1/metrics`: data points.
    case metrics

    /// What one item of the signal is called in OTLP's partial success (`rejected_spans`, ...).
    var itemName: String {
        switch self {
        case .traces: "spans"
        case .logs: "log records"
        case .metrics: "data points"
        }
    }
}

/// How an OTLP/HTTP body is encoded, from its `Content-Type`.
public enum OTLPEncoding: Sendable, Hashable {
    /// `application/x-protobuf`: the binary protobuf encoding (what SDK exporters send by default).
    case protobuf
    /// `application/json`: OTLP/JSON (protobuf's JSON mapping, with trace and span IDs in hex).
    case json

    /// The encoding a `Content-Type` names (parameters ignored), or `nil` for any other type.
    public init?(contentType: String?) {
        let mediaType = contentType?.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    /// The `Content-Type` of responses in this encoding.
    var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}
