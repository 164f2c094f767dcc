import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceLog

/// A minimal OpenAI-compatible chat-completions client: one POST, one answer string, typed errors.
///
/// Uses URLSession (libcurl on Linux) rather than AsyncHTTPClient so the analyzer library needs no TLS
/// stack of its own. Each call gets its own ephemeral session (no cookies, no cache on disk) that is
/// torn down afterwards; at two calls per diagnosis that costs nothing noticeable.
public struct ChatCompletionsClient: Sendable {
    /// The server, model, key and limits used for every call.
    public var configuration: LLMConfiguration

    /// Bodies larger than this are not chat completions worth reading (the answer is capped by `max_tokens`).
    static let maxResponseBytes = 1 << 20

    /// A client for `configuration`; nothing is opened until ``complete(_:redact:)``.
    public init(configuration: LLMConfiguration) {
        self.configuration = configuration
    }

    /// Sends `messages` to `{baseURL}/chat/completions` with temperature 0 and a JSON response format,
    /// and returns `choices[0].message.content`.
    ///
    /// Returns or throws within `configuration.timeout` (plus scheduling noise), whatever the server does.
    /// - Parameter redact: applied to the error body excerpt, which may echo what was sent.
    public func complete(_ messages: [ChatMessage], redact: @Sendable (String) -> String = { $0 }) async throws(LLMError) -> String {
        let request: URLRequest
        do {
            request = try makeRequest(messages)
        } catch {
            throw .malformedResponse("could not encode the request: \(error)")
        }
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        // Backstops only: DeadlineFetch enforces the real limit. They let libcurl drop a connection
        // that the deadline already abandoned.
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout.llmTimeInterval + 1
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout.llmTimeInterval + 1
        let session = URLSession(configuration: sessionConfiguration)
        defer { session.invalidateAndCancel() }

        switch await DeadlineFetch.data(for: request, in: session, timeout: configuration.timeout) {
        case .timedOut:
            throw .timedOut(after: configuration.timeout)
        case .cancelled:
            throw .cancelled
        case .failed(let reason):
            throw .transport(reason)
        case .response(let status, let body):
            guard (200..<300).contains(status) else {
                throw .httpStatus(status, bodyExcerpt: redact(Self.excerpt(body)))
            }
            return try Self.content(of: body)
        }
    }

    /// The POST request, body included.
    func makeRequest(_ messages: [ChatMessage]) throws -> URLRequest {
        var request = URLRequest(url: configuration.chatCompletionsURL)
        request.httpMethod = "POST"
        request.timeoutInterval = configuration.timeout.llmTimeInterval + 1
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("swift-service-observability-analyzer", forHTTPHeaderField: "User-Agent")
        if let key = configuration.apiKey, !key.isEmpty {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        let body = RequestBody(
            model: configuration.model, messages: messages, temperature: 0, responseFormat: .init(type: "json_object"),
            maxTokens: configuration.maxAnswerTokens)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        request.httpBody = try encoder.encode(body)
        return request
    }

    /// `choices[0].message.content` of a chat-completion body.
    static func content(of body: Data) throws(LLMError) -> String {
        guard body.count <= maxResponseBytes else { throw .malformedResponse("body of \(body.count) bytes is too large") }
        let json: JSONValue
        do {
            json = try JSONParser(maxDepth: 16).parse(String(decoding: body, as: UTF8.self))
        } catch {
            throw .malformedResponse("body is not JSON (\(error))")
        }
        guard case .object(let root) = json else { throw .malformedResponse("body is not a JSON object") }
        guard case .array(let choices)? = root["choices"], case .object(let first)? = choices.first else {
            throw .malformedResponse("no choices in the body")
        }
        guard case .object(let message)? = first["message"], let content = message["content"]?.stringValue else {
            throw .malformedResponse("choices[0].message.content is missing or not a string")
        }
        return content
    }

    /// The start of an error body, on one line, for the error message.
    static func excerpt(_ body: Data, limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        let oneLine = text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let trimmed = oneLine.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }

    /// The wire form of a chat-completions request.
    private struct RequestBody: Encodable {
        struct ResponseFormat: Encodable { var type: String }
        var model: String
        var messages: [ChatMessage]
        var temperature: Double
        var responseFormat: ResponseFormat
        var maxTokens: Int

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature
            case responseFormat = "response_format"
            case maxTokens = "max_tokens"
        }
    }
}
