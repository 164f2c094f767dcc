import ServiceLog

/// How a span's attributes name what the canonical format records: the HTTP method, the endpoint,
/// the status, the called service and why a call failed. One set of rules for every producer of
/// spans: the analyzer's OTLP receiver and ServiceLog's swift-distributed-tracing tracer.
public enum SpanConventions {
    /// The HTTP method; `POST` for gRPC (it rides on HTTP/2 POSTs); `_OTHER` for anything else, as
    /// OpenTelemetry writes an unknown method.
    public static func method(_ attributes: inout some ConventionAttributes) -> String {
        guard let method = attributes.string("http.request.method", "http.method") else {
            return attributes.string("rpc.system") == nil ? "_OTHER" : "POST"
        }
        return String(method.prefix(FieldSize.method))
    }

    /// A handled request's endpoint: the route template, else the path, else the RPC method, else the
    /// span's name.
    public static func serverEndpoint(_ attributes: inout some ConventionAttributes, spanName: String) -> String {
        attributes.string("http.route") ?? path(attributes.string("url.path", "http.target")) ?? rpcEndpoint(&attributes) ?? spanName
    }

    /// A call's endpoint: the URL template or route, else the path of the URL, else the RPC method or
    /// database operation, else the span's name.
    public static func clientEndpoint(_ attributes: inout some ConventionAttributes, spanName: String) -> String {
        attributes.string("url.template", "http.route") ?? path(attributes.string("url.full", "http.url"))
            ?? path(attributes.string("url.path", "http.target")) ?? rpcEndpoint(&attributes)
            ?? attributes.string("db.operation.name", "db.operation") ?? spanName
    }

    /// The path of a URL or request target: no scheme, host, query or fragment.
    public static func path(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        var text = Substring(value)
        if let scheme = text.range(of: "://") {
            text = text[scheme.upperBound...]
            text = text.firstIndex(of: "/").map { text[$0...] } ?? "/"
        }
        let path = text.prefix { $0 != "?" && $0 != "#" }
        return path.isEmpty ? "/" : String(path)
    }

    /// `/service/method` of an RPC span.
    public static func rpcEndpoint(_ attributes: inout some ConventionAttributes) -> String? {
        guard let service = attributes.string("rpc.service") else { return nil }
        return "/\(service)/\(attributes.string("rpc.method") ?? "")"
    }

    /// The HTTP status; a gRPC status as the HTTP status gRPC's own gateway answers with.
    public static func statusCode(_ attributes: inout some ConventionAttributes) -> Int? {
        if let code = attributes.int("http.response.status_code", "http.status_code") { return Int(clamping: code) }
        guard let grpc = attributes.int("rpc.grpc.status_code") else { return nil }
        let http: [Int64: Int] = [0: 200, 1: 499, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 14: 503, 16: 401]
        return http[grpc] ?? 500
    }

    /// The host the call went to (a Kubernetes service name without its cluster suffix), else the
    /// database or messaging system: what names a callee when `peer.service` does not (callers check
    /// that first, then names of their own: the callee's span, a configured mapping). `nil` when
    /// nothing names it.
    public static func calleeHost(_ attributes: inout some ConventionAttributes) -> String? {
        let host = attributes.string("server.address", "net.peer.name", "net.sock.peer.name")
            ?? host(attributes.string("url.full", "http.url")) ?? attributes.string("http.host").map { String($0.prefix { $0 != ":" }) }
            ?? attributes.string("db.system.name", "db.system", "messaging.system")
        guard let host, !host.isEmpty else { return nil }
        for suffix in [".svc.cluster.local", ".svc"] where host.hasSuffix(suffix) {
            return String(host.dropLast(suffix.count).split(separator: ".").first ?? Substring(host))
        }
        return host
    }

    /// The host of a URL, without user, port or IPv6 brackets.
    public static func host(_ url: String?) -> String? {
        guard let url, let scheme = url.range(of: "://") else { return nil }
        var authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix { $0 != "]" }) }
        let host = authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }

    /// The format's `attempt` from `http.request.resend_count` (retries so far, so attempt = count + 1);
    /// a count beyond any attempt is kept out of range (0 for a negative one, for the caller's limits to
    /// refuse), never overflowed.
    public static func attempt(_ attributes: inout some ConventionAttributes) -> Int? {
        attributes.int("http.request.resend_count").map { Int(max(-1, min($0, 1_000_000))) + 1 }
    }

    /// Why a call got no response, in the format's words (`timeout`, `connection_refused`,
    /// `connection_reset`, `dns`, `tls`, `cancelled`, else `other`), from what describes its failure:
    /// `error.type`, the status message, exception types and messages.
    public static func transportError(describedBy texts: [String]) -> String {
        let text = texts.joined(separator: " ").lowercased()
        let kinds: [(String, [String])] = [
            ("timeout", ["timeout", "timed out", "deadline"]),
            ("connection_refused", ["refused", "connectexception", "econnrefused"]),
            ("connection_reset", ["reset", "broken pipe", "econnreset"]),
            ("dns", ["unknownhost", "name resolution", "getaddrinfo", "nodename", "dns", "name or service not known"]),
            ("tls", ["ssl", "tls", "certificate", "handshake"]),
            ("cancelled", ["cancel"]),
        ]
        return kinds.first { _, words in words.contains { text.contains($0) } }?.0 ?? "other"
    }
}
