import Foundation

/// What is wrong with a sink URL, before anything is sent: libcurl would otherwise take `ftp://x`
/// and fail (or worse, succeed at something else) on the first batch.
enum SinkURL {
    /// The problem with `text` as an HTTP(S) endpoint, with a fix, or `nil` when it is one.
    static func problem(_ text: String) -> (message: String, fix: String)? {
        let example = "write e.g. http://127.0.0.1:4180 (the analyzer) or https://collector.example:4318"
        // Before parsing: URLComponents refuses a port it cannot read as if the whole were no URL.
        if let port = Self.portText(text), !port.isEmpty {
            guard let number = Int(port), (1...65535).contains(number) else {
                return ("'\(port)' is not a port", "use a port from 1 to 65535")
            }
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return ("'\(text)' is not a URL", example)
        }
        guard scheme == "http" || scheme == "https" else {
            return ("'\(scheme)' is not a scheme the sink speaks: it sends over HTTP", "use http:// or https://")
        }
        guard let host = components.host, !host.isEmpty else {
            return ("'\(text)' names no host", example)
        }
        if components.query != nil || components.fragment != nil {
            return ("'\(text)' has a query or fragment", "give the receiver's URL without ?… or #…")
        }
        return nil
    }

    /// The text after the authority's last `:` (outside IPv6 brackets), if the URL writes a port.
    private static func portText(_ text: String) -> String? {
        guard let scheme = text.range(of: "://") else { return nil }
        var authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let bracket = authority.lastIndex(of: "]") { authority = authority[authority.index(after: bracket)...] }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return String(authority[authority.index(after: colon)...])
    }
}
