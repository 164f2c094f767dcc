import CCurl
import ShipperCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libcurl's process-wide setup, run once on first use. A global `let` is initialised lazily under
/// `swift_once`, so concurrent first uses cannot run `curl_global_init` twice.
private let curlGlobalInit: CURLcode = servicelog_curl_global_init_all()

/// Delivers batches to the analyzer's ingest endpoint with an HTTP POST over libcurl.
///
/// One curl easy handle serves every request, so the connection (and TLS session) stays open between
/// batches. Each `deliver` makes exactly one attempt; the pipeline owns retries and backoff.
///
/// Not `Sendable`: a curl handle must not be used by two threads at once, and `deliver` blocks for up
/// to `requestTimeout`. Use it from one thread (the pipeline's delivery thread), or at least from one
/// thread at a time.
public final class HTTPSink: BatchSink {
    /// The URL every batch is posted to (the endpoint, plus its default path when it had no path).
    public let url: String
    /// New connections opened so far (libcurl's CURLINFO_NUM_CONNECTS, summed over requests): stays at 1
    /// while the connection is reused.
    public private(set) var connectionsOpened = 0

    private let configuration: HTTPSinkConfiguration
    private let endpoint: ResolvedEndpoint
    private let handle: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes the detailed error text here; it must live as long as `handle`.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Stands in for an empty body: a NULL CURLOPT_POSTFIELDS would make libcurl read the body from stdin.
    private let emptyBody: UnsafeMutableRawPointer
    private let collector: ResponseCollector
    /// Request headers that are the same for every batch.
    private let fixedHeaders: [String]

    /// Creates a sink; no connection is made until the first `deliver`.
    /// - Throws: `HTTPSinkError` when the endpoint is not an http(s) URL, a header, timeout or the CA file
    ///   is unusable, or libcurl cannot be set up; the message names the value and the fix.
    public init(configuration: HTTPSinkConfiguration) throws(HTTPSinkError) {
        guard curlGlobalInit == CURLE_OK else {
            throw HTTPSinkError("libcurl failed to initialise: \(String(cString: curl_easy_strerror(curlGlobalInit)))")
        }
        let endpoint = try ResolvedEndpoint.resolve(configuration.endpoint, defaultPath: configuration.defaultPath)
        let fixedHeaders = try Self.fixedHeaders(configuration)
        try Self.validate(configuration)
        guard let handle = curl_easy_init() else { throw HTTPSinkError("libcurl could not create a handle (out of memory?)") }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        let emptyBody = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        let collector = ResponseCollector(limit: configuration.maxResponseBytes)
        do {
            try Self.configure(handle, configuration, url: endpoint.url, errorBuffer: errorBuffer, collector: collector)
        } catch {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            emptyBody.deallocate()
            throw error
        }
        self.url = endpoint.url
        self.configuration = configuration
        self.endpoint = endpoint
        self.handle = handle
        self.errorBuffer = errorBuffer
        self.emptyBody = emptyBody
        self.collector = collector
        self.fixedHeaders = fixedHeaders
    }

    deinit {
        // Before `collector` is released: the handle holds an unretained pointer to it.
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        emptyBody.deallocate()
    }

    /// POSTs `payload` once and classifies the answer (see `DeliveryOutcome`): 2xx acknowledged; 408,
    /// 429, 5xx and network errors retryable; 413 too large; other statuses rejected. Blocks for at most
    /// `requestTimeout`.
    public func deliver(_ payload: BatchPayload) -> DeliveryOutcome {
        collector.reset()
        errorBuffer[0] = 0
        var headerLines = fixedHeaders
        if let encoding = payload.contentEncoding { headerLines.append("Content-Encoding: \(encoding)") }
        var headers: UnsafeMutablePointer<curl_slist>?
        for line in headerLines {
            guard let extended = curl_slist_append(headers, line) else {
                curl_slist_free_all(headers)
                return .retryable(reason: "libcurl could not allocate the request headers (out of memory?)", retryAfter: nil)
            }
            headers = extended
        }
        defer {
            // libcurl keeps the list (and the body pointer) until the option is replaced: detach both
            // before they are freed.
            _ = servicelog_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
            _ = servicelog_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, emptyBody)
            curl_slist_free_all(headers)
        }
        _ = servicelog_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        let code = payload.body.withUnsafeBytes { body -> CURLcode in
            _ = servicelog_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = servicelog_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress) ?? emptyBody)
            return curl_easy_perform(handle)
        }
        var newConnections = 0
        if servicelog_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections) == CURLE_OK {
            connectionsOpened += newConnections
        }
        guard code == CURLE_OK else {
            var osErrno = 0
            _ = servicelog_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            return ResponseClassifier.transportFailure(
                code: code, errorBuffer: String(cString: errorBuffer).trimmingWhitespace(), osErrno: osErrno, endpoint: endpoint,
                connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout)
        }
        var status = 0
        _ = servicelog_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return ResponseClassifier.classify(
            status: status, body: collector.body, retryAfter: collector.retryAfter, location: collector.location,
            bearerTokenConfigured: configuration.bearerToken != nil, now: time(nil))
    }

    // MARK: Setup

    /// Options that hold for every request.
    private static func configure(
        _ handle: UnsafeMutableRawPointer, _ configuration: HTTPSinkConfiguration, url: String,
        errorBuffer: UnsafeMutablePointer<CChar>, collector: ResponseCollector
    ) throws(HTTPSinkError) {
        func check(_ code: CURLcode, _ option: String) throws(HTTPSinkError) {
            guard code == CURLE_OK else {
                throw HTTPSinkError("libcurl refused \(option): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        try check(servicelog_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(servicelog_curl_setopt_string(handle, CURLOPT_URL, url), "the endpoint URL \(url)")
        // Restrict to http(s) here too, so that nothing (not even a future redirect setting) reaches another protocol.
        try check(servicelog_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        try check(servicelog_curl_setopt_long(handle, CURLOPT_POST, 1), "CURLOPT_POST")
        try check(servicelog_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        // Signals cannot time out DNS lookups in a multithreaded process; libcurl must not use them.
        try check(servicelog_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        // Probes keep idle connections between batches from being dropped silently by NAT or firewalls.
        try check(servicelog_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        try check(servicelog_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)), "the connect timeout")
        try check(servicelog_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(configuration.requestTimeout)), "the request timeout")
        try check(servicelog_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent), "the user agent")
        if let caFile = configuration.caFile {
            try check(servicelog_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "the CA file \(caFile)")
        }
        if configuration.insecureSkipVerify {
            try check(servicelog_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), "CURLOPT_SSL_VERIFYPEER")
            try check(servicelog_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), "CURLOPT_SSL_VERIFYHOST")
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        try check(servicelog_curl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let length = size * count
            guard let data, let context else { return length }
            Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
                .appendBody(UnsafeRawBufferPointer(start: data, count: length))
            return length
        }, "CURLOPT_WRITEFUNCTION")
        try check(servicelog_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(servicelog_curl_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let length = size * count
            guard let data, let context else { return length }
            Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
                .appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
            return length
        }, "CURLOPT_HEADERFUNCTION")
        try check(servicelog_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
    }

    /// Headers the sink sets itself (lower-cased), with the hint the refusal message gives.
    private static let managedHeaders: [String: String] = [
        "content-type": "set it with contentType",
        "content-encoding": "taken from each batch",
        "content-length": "set from each batch",
        "transfer-encoding": "not used (the length is known)",
        "expect": "disabled by the sink",
        "host": "taken from the endpoint URL",
        "user-agent": "set it with userAgent",
    ]

    /// The header lines every request carries, after checking the custom ones.
    private static func fixedHeaders(_ configuration: HTTPSinkConfiguration) throws(HTTPSinkError) -> [String] {
        var lines = [
            "Content-Type: \(configuration.contentType)",
            // An empty Expect stops libcurl from waiting for "100 Continue" before sending large bodies.
            "Expect:",
        ]
        if let token = configuration.bearerToken {
            guard !token.isEmpty, isValidHeaderValue(token) else {
                throw HTTPSinkError("the bearer token is empty or contains control characters (a stray newline from a token file?); set it to the token alone")
            }
            lines.append("Authorization: Bearer \(token)")
        }
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            guard isValidHeaderName(name) else {
                throw HTTPSinkError("custom header name \"\(name)\" is not a valid HTTP header name; use letters, digits and - only")
            }
            guard isValidHeaderValue(value) else {
                throw HTTPSinkError("custom header \(name) has a value with control characters (CR, LF…); remove them")
            }
            let lowered = name.lowercased()
            if let why = managedHeaders[lowered] {
                throw HTTPSinkError("custom header \(name) is managed by the sink (\(why)); remove it from headers")
            }
            if lowered == "authorization" && configuration.bearerToken != nil {
                throw HTTPSinkError("custom header Authorization conflicts with the bearer token; set one or the other")
            }
            // "Name:" with nothing after it would make libcurl drop the header, so send an explicit empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        return lines
    }

    /// Checks the settings that libcurl would accept but that cannot work.
    private static func validate(_ configuration: HTTPSinkConfiguration) throws(HTTPSinkError) {
        guard configuration.connectTimeout > .zero else {
            throw HTTPSinkError("connect timeout \(configuration.connectTimeout) must be positive; the default is 5 s")
        }
        guard configuration.requestTimeout > .zero else {
            throw HTTPSinkError("request timeout \(configuration.requestTimeout) must be positive; the default is 30 s")
        }
        guard configuration.maxResponseBytes >= 0 else {
            throw HTTPSinkError("maxResponseBytes \(configuration.maxResponseBytes) must not be negative; the default is 2097152")
        }
        guard isValidHeaderValue(configuration.userAgent) else {
            throw HTTPSinkError("user agent \"\(configuration.userAgent)\" contains control characters; remove them")
        }
        if let caFile = configuration.caFile, access(caFile, R_OK) != 0 {
            throw HTTPSinkError("CA file \"\(caFile)\" cannot be read (\(String(cString: strerror(errno)))); point caFile at a readable PEM file")
        }
    }

    /// RFC 9110 token characters.
    private static func isValidHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }

    /// No CR, LF, NUL or other control characters except tab (they would split or end the header).
    private static func isValidHeaderValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// Whole milliseconds, at least 1 (0 means "no timeout" to libcurl).
    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        return max(1, Int(clamping: scaled + attoseconds / 1_000_000_000_000_000))
    }
}
