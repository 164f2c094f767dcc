import Gzip
import HTTPTypes
import Hummingbird
import ShipperCore
import ShipperHTTPSink
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `HTTPSink` against a real Hummingbird server on loopback: what goes over the wire and how each kind
/// of answer (or its absence) is classified.
@Suite struct HTTPSinkDeliveryTests {
    static let lines = #"{"event_type":"log","message":"one"}"# + "\n" + #"{"event_type":"log","message":"two"}"# + "\n"

    // MARK: What the server receives

    @Test func gzipBatchArrivesIntactWithHeadersAndIsAcknowledgedWithTheResponseBody() async throws {
        try await withServer(respond: { _ in .text(200, #"{"accepted":2,"invalid":0}"#) }) { server in
            let compressed = try Gzip.compress(Array(Self.lines.utf8))
            let sink = try SinkRunner(.init(
                endpoint: server.baseURL, bearerToken: "s3cret", headers: ["X-Tenant": "blue", "X-Empty": ""]))
            let outcome = await sink.deliver(BatchPayload(body: compressed, contentEncoding: "gzip", eventCount: 2))

            #expect(outcome == .acknowledged(status: 200, response: #"{"accepted":2,"invalid":0}"#))
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/events")
            #expect(request.body == compressed)
            #expect(try Gzip.decompress(request.body, maxOutputBytes: 1 << 20) == Array(Self.lines.utf8))
            #expect(request.headers["content-type"] == "application/x-ndjson")
            #expect(request.headers["content-encoding"] == "gzip")
            #expect(request.headers["content-length"] == String(compressed.count))
            #expect(request.headers["authorization"] == "Bearer s3cret")
            #expect(request.headers["x-tenant"] == "blue")
            #expect(request.headers["x-empty"] == "")
            #expect(request.headers["user-agent"] == HTTPSinkConfiguration.defaultUserAgent)
            #expect(request.headers["expect"] == nil)
        }
    }

    @Test func plainBatchHasNoContentEncodingOrAuthorization() async throws {
        try await withServer { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL, userAgent: "custom-agent/2"))
            let outcome = await sink.deliver(.ndjson(Self.lines, events: 2))

            #expect(outcome == .acknowledged(status: 200, response: "ok"))
            let request = try #require(server.requests.first)
            #expect(request.body == Array(Self.lines.utf8))
            #expect(request.headers["content-encoding"] == nil)
            #expect(request.headers["authorization"] == nil)
            #expect(request.headers["user-agent"] == "custom-agent/2")
        }
    }

    @Test func emptyBodyIsSentAsAnEmptyPost() async throws {
        try await withServer { server in
            // A NULL body pointer would make libcurl read the body from stdin; the timeout bounds that bug.
            let sink = try SinkRunner(.init(endpoint: server.baseURL, requestTimeout: .seconds(5)))
            let outcome = await sink.deliver(BatchPayload(body: [], contentEncoding: nil, eventCount: 0))

            #expect(outcome == .acknowledged(status: 200, response: "ok"))
            #expect(server.requests.first?.body == [])
            #expect(server.requests.first?.headers["content-length"] == "0")
        }
    }

    @Test func largeBodyIsSentWithoutWaitingFor100Continue() async throws {
        // libcurl adds "Expect: 100-continue" to POSTs over 1 MiB unless told not to.
        let body = Array(String(repeating: #"{"event_type":"log","message":"padding"}"# + "\n", count: 60_000).utf8)
        try await withServer { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            #expect(await sink.deliver(BatchPayload(body: body, contentEncoding: nil, eventCount: 60_000)) == .acknowledged(status: 200, response: "ok"))
            let request = try #require(server.requests.first)
            #expect(request.body == body)
            #expect(request.headers["expect"] == nil)
        }
    }

    @Test func endpointWithAPathIsUsedAsIs() async throws {
        try await withServer { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL + "/ingest/events"))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .acknowledged(status: 200, response: "ok"))
            #expect(server.requests.map(\.path) == ["/ingest/events"])
        }
    }

    @Test func responseBodyIsCutAtMaxResponseBytesAndTheConnectionStaysUsable() async throws {
        let long = String(repeating: "x", count: 100_000)
        try await withServer(respond: { _ in .text(200, long) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL, maxResponseBytes: 16))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .acknowledged(status: 200, response: String(long.prefix(16))))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .acknowledged(status: 200, response: String(long.prefix(16))))
            #expect(sink.connectionsOpened == 1)
        }
    }

    // MARK: Classifying answers

    @Test func serviceUnavailableWithRetryAfterSecondsIsRetryable() async throws {
        try await withServer(respond: { _ in .text(503, "store busy", headers: [.retryAfter: "7"]) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .retryable(reason: "HTTP 503: store busy", retryAfter: .seconds(7)))
        }
    }

    @Test func tooManyRequestsWithAnHTTPDateRetryAfterIsRetryable() async throws {
        let date = httpDate(secondsFromNow: 120)
        try await withServer(respond: { _ in .text(429, "slow down", headers: [.retryAfter: date]) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            let outcome = await sink.deliver(.ndjson(Self.lines))
            guard case .retryable(let reason, let retryAfter) = outcome else {
                Issue.record("expected retryable, got \(outcome)")
                return
            }
            #expect(reason == "HTTP 429: slow down")
            // A range, not a value: the date has one-second resolution and the clock moves during the test.
            let wait = try #require(retryAfter)
            #expect(wait > .seconds(60) && wait <= .seconds(120), "Retry-After \(date) gave \(wait)")
        }
    }

    @Test(arguments: [408, 500, 502, 504])
    func otherRetryableStatusesWithoutRetryAfter(status: Int) async throws {
        try await withServer(respond: { _ in .text(status, "") }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .retryable(reason: "HTTP \(status)", retryAfter: nil))
        }
    }

    @Test func garbageRetryAfterIsIgnored() async throws {
        try await withServer(respond: { _ in .text(503, "busy", headers: [.retryAfter: "soon"]) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .retryable(reason: "HTTP 503: busy", retryAfter: nil))
        }
    }

    @Test func payloadTooLargeAsksForASplit() async throws {
        try await withServer(respond: { _ in .text(413, "body over 8 MiB") }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            let outcome = await sink.deliver(.ndjson(Self.lines))
            guard case .tooLarge(let reason) = outcome else {
                Issue.record("expected tooLarge, got \(outcome)")
                return
            }
            #expect(reason.hasPrefix("HTTP 413"))
            #expect(reason.hasSuffix(": body over 8 MiB"))
        }
    }

    @Test func badRequestIsRejectedWithTheStartOfTheBody() async throws {
        let body = "line 1: not JSON " + String(repeating: "a", count: 300)
        try await withServer(respond: { _ in .text(400, body) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            let outcome = await sink.deliver(.ndjson("not json\n"))
            #expect(outcome == .rejected(status: 400, reason: "HTTP 400: \(body.prefix(200))…"))
        }
    }

    @Test(arguments: [404, 415, 422])
    func otherClientErrorsAreRejected(status: Int) async throws {
        try await withServer(respond: { _ in .text(status, "nope") }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            #expect(await sink.deliver(.ndjson(Self.lines)) == .rejected(status: status, reason: "HTTP \(status): nope"))
        }
    }

    @Test func unauthorizedReasonSaysWhetherTheTokenIsMissingOrWrong() async throws {
        let respond: @Sendable (RecordedRequest) async throws -> Response = { request in
            request.headers["authorization"] == "Bearer right" ? .text(200, "ok") : .text(401, "bad token")
        }
        try await withServer(respond: respond) { server in
            let missing = await (try SinkRunner(.init(endpoint: server.baseURL))).deliver(.ndjson(Self.lines))
            #expect(missing.reason?.contains("no bearer token is configured") == true, "\(missing)")
            let wrong = await (try SinkRunner(.init(endpoint: server.baseURL, bearerToken: "wrong"))).deliver(.ndjson(Self.lines))
            #expect(wrong.reason?.contains("bearer token was not accepted") == true, "\(wrong)")
            guard case .rejected(401, _) = wrong else {
                Issue.record("expected rejected 401, got \(wrong)")
                return
            }
            let right = await (try SinkRunner(.init(endpoint: server.baseURL, bearerToken: "right"))).deliver(.ndjson(Self.lines))
            #expect(right == .acknowledged(status: 200, response: "ok"))
        }
    }

    @Test func forbiddenAlsoPointsAtTheToken() async throws {
        try await withServer(respond: { _ in .text(403, "") }) { server in
            let outcome = await (try SinkRunner(.init(endpoint: server.baseURL, bearerToken: "t"))).deliver(.ndjson(Self.lines))
            #expect(outcome == .rejected(status: 403, reason: "HTTP 403: the bearer token was not accepted; check that it matches the analyzer's token"))
        }
    }

    @Test func redirectIsNotFollowedAndRejectedAsAURLToFix() async throws {
        try await withServer(respond: { _ in .text(308, "", headers: [.location: "http://127.0.0.1:1/elsewhere"]) }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            let outcome = await sink.deliver(.ndjson(Self.lines))
            guard case .rejected(308, let reason) = outcome else {
                Issue.record("expected rejected 308, got \(outcome)")
                return
            }
            #expect(reason.contains("http://127.0.0.1:1/elsewhere"))
            #expect(reason.contains("redirects are not followed"))
            #expect(server.requests.count == 1)
        }
    }

    // MARK: No answer

    @Test func connectionRefusedIsRetryableAndNamesTheAddress() async throws {
        let port = try unusedPort()
        let sink = try SinkRunner(.init(endpoint: "http://127.0.0.1:\(port)"))
        let outcome = await sink.deliver(.ndjson(Self.lines))
        #expect(outcome == .retryable(reason: "connection refused by 127.0.0.1:\(port) (is the analyzer running?)", retryAfter: nil))
    }

    @Test func slowServerTimesOutAsRetryable() async throws {
        try await withServer(respond: { _ in
            try await Task.sleep(for: .seconds(4))
            return .text(200, "too late")
        }) { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL, requestTimeout: .seconds(1)))
            let outcome = await sink.deliver(.ndjson(Self.lines))
            guard case .retryable(let reason, nil) = outcome else {
                Issue.record("expected retryable, got \(outcome)")
                return
            }
            #expect(reason.contains("timed out"))
            #expect(reason.contains("request timeout 1 s"))
        }
    }

    @Test func unresolvableHostIsRetryable() async throws {
        // .invalid never resolves (RFC 6761), without depending on the network.
        let sink = try SinkRunner(.init(endpoint: "http://analyzer.invalid:4180"))
        let outcome = await sink.deliver(.ndjson(Self.lines))
        guard case .retryable(let reason, nil) = outcome else {
            Issue.record("expected retryable, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("could not resolve host analyzer.invalid"))
    }

    // MARK: Connections

    @Test func oneConnectionServesManyBatches() async throws {
        try await withServer { server in
            let sink = try SinkRunner(.init(endpoint: server.baseURL))
            for index in 0..<20 {
                #expect(await sink.deliver(.ndjson("{\"n\":\(index)}\n")) == .acknowledged(status: 200, response: "ok"))
            }
            #expect(server.requests.count == 20)
            #expect(sink.connectionsOpened == 1)
        }
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        let first = try await TestServer.start(respond: { _ in .text(200, "first") })
        let sink = try SinkRunner(.init(endpoint: first.baseURL))
        #expect(await sink.deliver(.ndjson(Self.lines)) == .acknowledged(status: 200, response: "first"))
        await first.stop()

        let second = try await TestServer.start(port: first.port, respond: { _ in .text(200, "second") })
        let outcome = await sink.deliver(.ndjson(Self.lines))
        let opened = sink.connectionsOpened
        await second.stop()
        #expect(outcome == .acknowledged(status: 200, response: "second"))
        #expect(opened == 2)
        #expect(second.requests.count == 1)
    }
}

/// A loopback port with nothing listening: bound by the kernel's choice, then released.
func unusedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXFailure(call: "socket", code: errno) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    guard bound else { throw POSIXFailure(call: "bind", code: errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A failed system call in a test helper.
struct POSIXFailure: Error {
    var call: String
    var code: Int32
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) `seconds` from now.
func httpDate(secondsFromNow seconds: Int) -> String {
    var when = time(nil) + seconds
    var parts = tm()
    gmtime_r(&when, &parts)
    // strftime's %a and %b follow the locale; HTTP wants the English names.
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}
