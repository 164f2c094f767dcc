import CCurl

/// The URL the sink posts to, worked out from `HTTPSinkConfiguration.endpoint` with libcurl's own URL
/// parser (so that what is validated is exactly what libcurl will request).
struct ResolvedEndpoint: Sendable, Hashable {
    /// The full request URL.
    var url: String
    /// `host:port` (port made explicit), for error messages such as "connection refused by …".
    var authority: String
    /// The host alone, for DNS error messages.
    var host: String

    /// The ingest path used when the endpoint is a bare base URL.
    static let defaultPath = "/v1/events"

    /// Parses `endpoint`; throws a message naming the value and the fix when it is not an absolute
    /// http(s) URL with a host.
    static func resolve(_ endpoint: String, defaultPath: String = ResolvedEndpoint.defaultPath) throws(HTTPSinkError) -> ResolvedEndpoint {
        let example = "use an absolute URL such as http://127.0.0.1:4180"
        // Checked before libcurl so that "localhost:4180" or "ftp://…" get a message about the scheme
        // rather than libcurl's generic one.
        guard let separator = endpoint.firstRange(of: "://") else {
            throw HTTPSinkError("endpoint \"\(endpoint)\" has no scheme; \(example)")
        }
        let scheme = endpoint[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw HTTPSinkError("endpoint \"\(endpoint)\" uses the unsupported scheme \"\(scheme)\"; only http and https are supported, \(example)")
        }
        guard let handle = curl_url() else { throw HTTPSinkError("libcurl could not allocate a URL handle") }
        defer { curl_url_cleanup(handle) }
        let parsed = curl_url_set(handle, CURLUPART_URL, endpoint, 0)
        guard parsed == CURLUE_OK else {
            throw HTTPSinkError("endpoint \"\(endpoint)\" is not a valid URL (\(String(cString: curl_url_strerror(parsed)))); \(example)")
        }
        guard let host = part(handle, CURLUPART_HOST), !host.isEmpty else {
            throw HTTPSinkError("endpoint \"\(endpoint)\" has no host; \(example)")
        }
        let port = part(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)) ?? "?"
        let path = part(handle, CURLUPART_PATH) ?? "/"
        if path.isEmpty || path == "/" {
            guard curl_url_set(handle, CURLUPART_PATH, defaultPath, 0) == CURLUE_OK else {
                throw HTTPSinkError("libcurl could not add \(defaultPath) to endpoint \"\(endpoint)\"")
            }
        }
        guard let url = part(handle, CURLUPART_URL) else {
            throw HTTPSinkError("endpoint \"\(endpoint)\" is not a valid URL; \(example)")
        }
        return ResolvedEndpoint(url: url, authority: "\(host):\(port)", host: host)
    }

    /// One component of the URL, or nil when it is absent.
    private static func part(_ handle: OpaquePointer, _ what: CURLUPart, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, what, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
