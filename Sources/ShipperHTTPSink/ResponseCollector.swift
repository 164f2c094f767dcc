/// What libcurl's write and header callbacks gather during one request: a bounded body and the two
/// headers the classification needs.
///
/// Reached from the C callbacks through an unretained pointer; `HTTPSink` owns it and outlives every
/// request, and the callbacks run synchronously inside `curl_easy_perform` on the caller's thread.
final class ResponseCollector {
    /// Bytes of body kept; the rest is read and dropped.
    let limit: Int
    /// The first `limit` bytes of the body.
    private(set) var body: [UInt8] = []
    /// True when the body was longer than `limit`.
    private(set) var truncated = false
    /// The final response's `Retry-After` value.
    private(set) var retryAfter: String?
    /// The final response's `Location` value (for the message about redirects).
    private(set) var location: String?

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Forgets the previous response.
    func reset() {
        body.removeAll(keepingCapacity: true)
        truncated = false
        retryAfter = nil
        location = nil
    }

    /// Keeps up to `limit` bytes of body. Never refuses data: a short count would make libcurl abort
    /// the transfer (CURLE_WRITE_ERROR) and close the connection, turning a 2xx into an error.
    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        let room = limit - body.count
        if bytes.count > room { truncated = true }
        if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
    }

    /// Takes one header line (libcurl passes them one at a time, CRLF included).
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        // A status line starts a new response (after a 100 Continue, say): only the last one counts.
        if line.hasPrefix("HTTP/") {
            retryAfter = nil
            location = nil
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingWhitespace().lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        switch name {
        case "retry-after": retryAfter = value
        case "location": location = value
        default: break
        }
    }
}
