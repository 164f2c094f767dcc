import Foundation
import Hummingbird

/// The JSON answer to an ingest request that was read: `{"accepted":N,"duplicates":D,"invalid":I,
/// "errors":["line 3: ..."]}`.
///
/// `accepted` counts events newly stored, `duplicates` valid events whose `event_id` was already stored
/// (a batch delivered twice); together they are the valid lines. Sent with 200 once the store has
/// durably taken the batch, or with 400 when no line was valid.
public struct IngestResult: Sendable, Hashable, Codable {
    /// Events newly stored.
    public var accepted: Int
    /// Valid events already stored before (redelivery), skipped.
    public var duplicates: Int
    /// Lines that are not valid canonical events.
    public var invalid: Int
    /// `line N: reason` for the first invalid lines.
    public var errors: [String]

    /// Creates a result.
    public init(accepted: Int, duplicates: Int, invalid: Int, errors: [String]) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.invalid = invalid
        self.errors = errors
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
        case .bodyTooLarge, .decompressedTooLarge: .contentTooLarge
        case .unsupportedEncoding: .unsupportedMediaType
        case .corruptCompression: .badRequest
        case .decompressorFailed: .internalServerError
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
