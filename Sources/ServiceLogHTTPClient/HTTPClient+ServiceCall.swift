import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLog

/// A fully received response of a traced service call.
public struct ServiceResponse: Sendable {
    /// The callee's status.
    public var status: HTTPResponseStatus
    /// The response headers.
    public var headers: HTTPHeaders
    /// The body, cut at the call's `maxBodyBytes` (see ``bodyTruncated``).
    public var body: ByteBuffer
    /// Whether the body was longer than `maxBodyBytes` and was cut.
    public var bodyTruncated: Bool = false

    /// The body as UTF-8 text.
    public var text: String { String(buffer: body) }
}

extension HTTPClient {
    /// Calls another service as a traced client span: injects `traceparent`/`tracestate`/`X-Correlation-ID`,
    /// writes one `service_call` event per attempt with duration, status and an exactly classified error
    /// (timeout, connection refused or reset, cancelled), and retries according to `retry`.
    ///
    /// The body is read completely, keeping at most `maxBodyBytes` (the rest is read and discarded), so
    /// that a retried attempt's connection is released and the caller gets a value it can keep.
    ///
    /// - Parameters:
    ///   - target: the callee's service name, as it appears in the dependency graph.
    ///   - endpoint: the path reported in events; defaults to the URL's path without the query.
    ///   - timeout: deadline of one attempt.
    public func callService(
        _ target: String, _ request: HTTPClientRequest, endpoint: String? = nil, timeout: TimeAmount = .seconds(10),
        maxBodyBytes: Int = 10 << 20, retry: RetryPolicy = .none, logger: Logger
    ) async throws -> ServiceResponse {
        try await withServiceCall(
            to: target, method: request.method.rawValue, endpoint: endpoint ?? Self.path(of: request.url), logger: logger,
            retry: retry, classify: Self.classify, statusCode: { Int($0.status.code) }
        ) { headers in
            var attempt = request
            for (name, value) in headers { attempt.headers.replaceOrAdd(name: name, value: value) }
            let response = try await self.execute(attempt, timeout: timeout)
            // A body over the limit is cut, not an error: the callee did answer, with this status.
            var body = ByteBuffer()
            var truncated = false
            for try await var chunk in response.body {
                let room = maxBodyBytes - body.readableBytes
                if chunk.readableBytes > room {
                    truncated = true
                    if room > 0, var slice = chunk.readSlice(length: room) { body.writeBuffer(&slice) }
                } else {
                    body.writeBuffer(&chunk)
                }
            }
            return ServiceResponse(status: response.status, headers: response.headers, body: body, bodyTruncated: truncated)
        }
    }

    /// Classifies AsyncHTTPClient and NIO errors into `service_call`'s `error` kinds.
    public static func classify(_ error: any Error) -> ServiceCallError {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .readTimeout, .connectTimeout, .deadlineExceeded, .writeTimeout: return .timeout
            case .remoteConnectionClosed: return .connectionReset
            case .cancelled: return .cancelled
            default: break
            }
        }
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNREFUSED: return .connectionRefused
            case ECONNRESET, EPIPE: return .connectionReset
            case ETIMEDOUT: return .timeout
            default: break
            }
        }
        if let connectError = error as? NIOConnectionError {
            if connectError.dnsAAAAError != nil || connectError.dnsAError != nil, connectError.connectionErrors.isEmpty {
                return .dns
            }
            if let first = connectError.connectionErrors.first { return classify(first.error) }
        }
        return ServiceCallError.classify(error)
    }

    static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        return rest.isEmpty ? "/" : String(rest)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
