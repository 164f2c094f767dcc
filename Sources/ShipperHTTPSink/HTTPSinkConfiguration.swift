/// How `HTTPSink` reaches the analyzer's ingest endpoint.
///
/// Every setting except `endpoint` has a default suited to a sidecar on the same host or network as
/// the analyzer.
public struct HTTPSinkConfiguration: Sendable, Hashable {
    /// The User-Agent sent when none is configured: `logshipper/<version>`.
    public static let defaultUserAgent = "logshipper/0.1.0"

    /// The analyzer's base URL, such as `http://127.0.0.1:4180`; `http` and `https` only.
    ///
    /// With no path (or just `/`) the sink posts to `<endpoint>` + ``defaultPath``. A URL with any other path
    /// (`https://gateway.example/ingest/events`, say, behind a proxy) is used as is.
    public var endpoint: String
    /// The path posted to when `endpoint` has none. Default: `/v1/events` (the analyzer's ingest);
    /// `/v1/logs` for an OTLP receiver.
    public var defaultPath: String
    /// The `Content-Type` of every request. Default: `application/x-ndjson`; `application/x-protobuf`
    /// for OTLP.
    public var contentType: String
    /// Sent as `Authorization: Bearer <token>` when set. Default: none.
    public var bearerToken: String?
    /// Extra request headers (a proxy's API key, a tenant ID). Default: none. Headers the sink manages
    /// (`Content-Type`, `Content-Encoding`, `Content-Length`, `Transfer-Encoding`, `Expect`, `Host`,
    /// `User-Agent`, and `Authorization` when `bearerToken` is set) are refused by `HTTPSink.init`.
    public var headers: [String: String]
    /// Limit on establishing the TCP (and TLS) connection. Default: 5 s.
    public var connectTimeout: Duration
    /// Limit on one whole request, connecting included. Default: 30 s.
    public var requestTimeout: Duration
    /// PEM file of the certificate authorities to trust for `https`, instead of the system store.
    /// Default: none (the system store).
    public var caFile: String?
    /// Accepts any server certificate and host name. For testing only: it lets anyone on the path read
    /// and alter the events. Default: `false`.
    public var insecureSkipVerify: Bool
    /// The User-Agent header. Default: `defaultUserAgent`.
    public var userAgent: String
    /// How much of a response body is kept (for the acknowledgement and error reasons); the rest is read
    /// and dropped so that the connection stays reusable. Default: 2 MiB, above the analyzer's largest
    /// answer (every line of a 100,000-line batch named in `invalid_lines`, plus 100 reasons: < 1 MiB), so
    /// that no invalid line goes unnamed because its number was cut off.
    public var maxResponseBytes: Int

    /// Creates a configuration; see each property for its meaning and default.
    public init(
        endpoint: String,
        bearerToken: String? = nil,
        headers: [String: String] = [:],
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30),
        caFile: String? = nil,
        insecureSkipVerify: Bool = false,
        userAgent: String = HTTPSinkConfiguration.defaultUserAgent,
        maxResponseBytes: Int = 2 << 20,
        defaultPath: String = "/v1/events",
        contentType: String = "application/x-ndjson"
    ) {
        self.endpoint = endpoint
        self.defaultPath = defaultPath
        self.contentType = contentType
        self.bearerToken = bearerToken
        self.headers = headers
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
    }
}
