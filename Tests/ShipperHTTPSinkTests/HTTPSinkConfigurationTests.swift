import ShipperHTTPSink
import Testing

/// What `HTTPSink.init` accepts, and the messages it gives for what it does not.
@Suite struct HTTPSinkConfigurationTests {
    @Test(arguments: [
        ("http://127.0.0.1:4180", "http://127.0.0.1:4180/v1/events"),
        ("http://127.0.0.1:4180/", "http://127.0.0.1:4180/v1/events"),
        ("HTTPS://analyzer.example", "https://analyzer.example/v1/events"),
        ("https://gateway.example/ingest/events", "https://gateway.example/ingest/events"),
        ("http://127.0.0.1:4180/?tenant=blue", "http://127.0.0.1:4180/v1/events?tenant=blue"),
    ])
    func requestURLFromEndpoint(endpoint: String, url: String) throws {
        #expect(try HTTPSink(configuration: .init(endpoint: endpoint)).url == url)
    }

    @Test(arguments: [
        ("localhost:4180", ["\"localhost:4180\"", "no scheme", "http://127.0.0.1:4180"]),
        ("ftp://analyzer.example", ["\"ftp://analyzer.example\"", "unsupported scheme \"ftp\"", "http and https"]),
        ("unix:///run/analyzer.sock", ["unsupported scheme \"unix\""]),
        ("http://", ["\"http://\"", "http://127.0.0.1:4180"]),
        ("http://exa mple.com", ["\"http://exa mple.com\"", "not a valid URL"]),
        ("", ["no scheme"]),
    ])
    func invalidEndpointIsRefusedWithAHelpfulMessage(endpoint: String, fragments: [String]) {
        let error = #expect(throws: HTTPSinkError.self) { try HTTPSink(configuration: .init(endpoint: endpoint)) }
        for fragment in fragments {
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error") lacks \(fragment)")
        }
    }

    @Test(arguments: [
        (["X-Injected": "a\r\nX-Evil: 1"], "control characters"),
        (["Bad Name": "v"], "not a valid HTTP header name"),
        (["Content-Type": "text/plain"], "managed by the sink"),
        (["user-agent": "x"], "userAgent"),
    ])
    func unusableCustomHeaderIsRefused(headers: [String: String], fragment: String) {
        let error = #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", headers: headers))
        }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test func authorizationHeaderConflictsWithBearerToken() throws {
        #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", bearerToken: "t", headers: ["Authorization": "Basic eDp5"]))
        }
        // Without a bearer token, another scheme is the operator's choice.
        _ = try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", headers: ["Authorization": "Basic eDp5"]))
    }

    @Test func tokenWithATrailingNewlineIsRefused() {
        let error = #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", bearerToken: "s3cret\n"))
        }
        #expect(error?.message.contains("bearer token") == true)
    }

    @Test func missingCAFileIsRefusedByName() {
        let error = #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "https://analyzer.example", caFile: "/nonexistent/ca.pem"))
        }
        #expect(error?.message.contains("/nonexistent/ca.pem") == true)
    }

    @Test func nonPositiveTimeoutIsRefused() {
        #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", requestTimeout: .zero))
        }
        #expect(throws: HTTPSinkError.self) {
            try HTTPSink(configuration: .init(endpoint: "http://127.0.0.1:4180", connectTimeout: .seconds(-1)))
        }
    }

    @Test func defaults() {
        let configuration = HTTPSinkConfiguration(endpoint: "http://127.0.0.1:4180")
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.requestTimeout == .seconds(30))
        #expect(configuration.insecureSkipVerify == false)
        #expect(configuration.userAgent.hasPrefix("logshipper/"))
        #expect(configuration.maxResponseBytes == 2 << 20)
    }
}
