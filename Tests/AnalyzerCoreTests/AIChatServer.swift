import Foundation
import Hummingbird
import Logging
import ServiceLog
import Testing

/// A local server speaking the chat-completions protocol, for the AI diagnosis tests: the one allowed
/// fake (no LLM is reachable from here). Each test scripts its replies in order and reads back the
/// requests it received.
actor AIChatServer {
    /// What the server does with one request.
    enum Reply: Sendable {
        /// 200 with a chat completion whose `choices[0].message.content` is this text.
        case content(String)
        /// This status and raw body.
        case status(Int, String)
        /// Waits this long before answering with a valid completion (a client that waited would succeed).
        case hang(Duration)
    }

    /// One request as received.
    struct Recorded: Sendable {
        var path: String
        var authorization: String?
        var contentType: String?
        var body: String

        /// The body parsed (the client must send JSON).
        var json: [String: JSONValue] {
            guard case .object(let object)? = try? JSONParser().parse(body) else { return [:] }
            return object
        }

        /// `messages` as (role, content) pairs.
        var messages: [(role: String, content: String)] {
            guard case .array(let items)? = json["messages"] else { return [] }
            return items.compactMap { item in
                guard case .object(let message) = item, let role = message["role"]?.stringValue,
                      let content = message["content"]?.stringValue else { return nil }
                return (role, content)
            }
        }
    }

    private var script: [Reply]
    private(set) var requests: [Recorded] = []

    init(script: [Reply]) {
        self.script = script
    }

    /// Records the request and returns the next scripted reply (a 500 once the script is used up, so an
    /// unexpected extra request shows in the result).
    func handle(_ recorded: Recorded) -> Reply {
        requests.append(recorded)
        return script.isEmpty ? .status(500, #"{"error":"script exhausted"}"#) : script.removeFirst()
    }

    /// A chat-completion body carrying `content`.
    static func completion(_ content: String) -> String {
        let payload: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "fake-model",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: payload)
        return String(decoding: data, as: UTF8.self)
    }

    /// The router: `POST /v1/chat/completions` only.
    nonisolated func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 4 << 20)
            let recorded = Recorded(
                path: request.uri.path, authorization: request.headers[.authorization], contentType: request.headers[.contentType],
                body: String(buffer: body))
            switch await self.handle(recorded) {
            case .content(let content):
                return Self.response(200, Self.completion(content))
            case .status(let status, let body):
                return Self.response(status, body)
            case .hang(let duration):
                try await Task.sleep(for: duration)
                return Self.response(200, Self.completion(#"{"hypothesis":"late"}"#))
            }
        }
        return router
    }

    private static func response(_ status: Int, _ body: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Runs `body` with a chat-completions server on 127.0.0.1 (port 0) that follows `script`; the base URL
/// passed is the server's `/v1`. The server is cancelled when `body` returns.
func withAIChatServer(_ script: [AIChatServer.Reply], _ body: (AIChatServer, URL) async throws -> Void) async throws {
    let server = AIChatServer(script: script)
    // Quiet: cancelling the server at the end logs at `error`, and a timed-out client at `info`.
    var logger = Logger(label: "ai-chat-server")
    logger.logLevel = .critical
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: server.makeRouter(),
        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fake-llm"),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            // Finishing the stream on exit means a server that fails to start ends the wait below.
            defer { portContinuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            Issue.record("the fake LLM server did not start")
            return
        }
        try await body(server, URL(string: "http://127.0.0.1:\(port)/v1")!)
        group.cancelAll()
    }
}
