import Foundation
import Hummingbird

/// JSON for the API: the same encoder settings as the CLI's `--json` (sorted keys, unescaped slashes),
/// compact instead of pretty, so a line of it can travel as one Server-Sent Event.
public enum DashboardJSON {
    /// Encodes `value` compactly with sorted keys.
    public static func data(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Encodes `value` as one line of text.
    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try data(value), as: UTF8.self)
    }

    /// A JSON response that no cache keeps (the data changes as events arrive).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try data(value))))
    }

    /// `{"error": message}` with `status`.
    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        (try? response(APIError(error: message), status: status)) ?? Response(status: status)
    }
}

/// The body of every API error: `{"error": "what went wrong and what to do"}`.
public struct APIError: Sendable, Codable, Hashable {
    /// A sentence for a human.
    public var error: String

    /// Creates the body.
    public init(error: String) {
        self.error = error
    }
}
