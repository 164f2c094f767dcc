import Foundation
import Hummingbird
import ServiceLog

/// The JSON answer to an ingest request that was read: `{"accepted":N,"duplicates":D,"invalid":I,
/// "invalid_lines":"3,7-9","errors":["line 3: ..."]}`.
///
/// `accepted` counts events newly stored, `duplicates` valid events whose `event_id` was already stored
/// (a batch delivered twice); together they are the valid lines. `invalid_lines` names every invalid
/// line (``LineRanges``), `errors` gives the reason of the first ones. Sent with 200 once the store has
/// durably taken the batch, or with 400 when no line was valid.
public struct IngestResult: Sendable, Hashable, Codable {
    /// Events newly stored.
    public var accepted: Int
    /// Valid events already stored before (redelivery), skipped.
    public var duplicates: Int
    /// Lines that are not valid canonical events.
    public var invalid: Int
    /// Every invalid line's number.
    public var invalidLines: LineRanges
    /// `line N: reason` for the first invalid lines (``IngestLimits/maxReportedErrors``).
    public var errors: [String]

    /// Creates a result.
    public init(accepted: Int, duplicates: Int, invalid: Int, invalidLines: LineRanges = LineRanges(), errors: [String]) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.invalid = invalid
        self.invalidLines = invalidLines
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case accepted, duplicates, invalid, invalidLines = "invalid_lines", errors
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accepted = try container.decode(Int.self, forKey: .accepted)
        duplicates = try container.decode(Int.self, forKey: .duplicates)
        invalid = try container.decode(Int.self, forKey: .invalid)
        let text = try container.decodeIfPresent(String.self, forKey: .invalidLines) ?? ""
        guard let lines = LineRanges(text) else {
            throw DecodingError.dataCorruptedError(forKey: .invalidLines, in: container, debugDescription: "not a line list: \(text.prefix(40))")
        }
        invalidLines = lines
        errors = try container.decode([String].self, forKey: .errors)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(duplicates, forKey: .duplicates)
        try container.encode(invalid, forKey: .invalid)
        try container.encode(invalidLines.description, forKey: .invalidLines)
        try container.encode(errors, forKey: .errors)
    }
}

/// The JSON answer to a request refused as a whole: `{"error":"..."}`.
public struct IngestFailure: Sendable, Hashable, Codable {
    /// What went wrong and what to change.
    public var error: String

    /// Creates a failure body.
    public init(error: String) {
        self.error = error
    }
}

extension IngestError {
    /// The status a request refused for this reason gets. 4xx means "do not resend this as is" (the
    /// shipper dead-letters or splits); 5xx means "resend later".
    public var status: HTTPResponse.Status {
        switch self {
        case .bodyTooLarge, .decompressedTooLarge, .tooManyLines: .contentTooLarge
        case .unsupportedEncoding, .unsupportedContentType: .unsupportedMediaType
        case .corruptCompression: .badRequest
        case .decompressorFailed: .internalServerError
        case .busy: .serviceUnavailable
        case .bodyTimeout: .requestTimeout
        case .crossOrigin: .forbidden
        }
    }
}

/// Builds JSON responses. Not the context's encoder: these bodies are read by people in shipper logs,
/// so slashes stay unescaped and keys keep a stable order.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
