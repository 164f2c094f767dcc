import AnalyzerCore
import Hummingbird

/// Guards the pages, `/api/` and `/metrics`.
///
/// With a token configured (required whenever `analyzer serve` listens beyond loopback), a request
/// passes with `Authorization: Bearer TOKEN`, or with the `analyzer_token` cookie. Opening any page
/// once as `/?token=TOKEN` sets that cookie (HttpOnly, SameSite=Strict) and redirects to the same path
/// without the token, so it leaves the address bar and the history; browsers' `EventSource` cannot
/// send headers, so the live stream relies on the cookie. `/api/` and `/metrics` also accept
/// `?token=` without the redirect (prefer the header: URLs end up in logs).
///
/// Without a token (loopback only), requests must name a loopback host in `Host`: a web page on
/// another site that rebinds its DNS name to 127.0.0.1 cannot read the dashboard.
///
/// Token comparisons take the same time wherever the first wrong byte is.
public struct DashboardAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The cookie that carries the token.
    public static var cookieName: String { "analyzer_token" }

    private let expectedToken: [UInt8]?
    private let expectedCookie: [UInt8]?

    /// Creates the middleware; `token` `nil` means loopback-only access (checked by `Host`).
    public init(token: String?) {
        expectedToken = token.map { Array($0.utf8) }
        expectedCookie = token.map { Array(Self.cookieValue($0).utf8) }
    }

    /// Lets the request through, redirects to set the cookie, or answers 401/403.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let isPage = !(path.hasPrefix("/api/") || path == "/api" || path == "/metrics")
        guard let expectedToken, let expectedCookie else {
            guard Self.isLoopbackHost(request.head.authority) else {
                return refusal(
                    status: .forbidden, isPage: isPage,
                    "this analyzer has no token, so it answers only requests addressed to 127.0.0.1, localhost or [::1]; "
                        + "start it with --token (or ANALYZER_TOKEN) to reach it under another name")
            }
            return try await next(request, context)
        }
        if let header = request.headers[.authorization], let presented = BearerCredentials.token(in: header),
            BearerCredentials.constantTimeEquals(presented, expectedToken)
        {
            return try await next(request, context)
        }
        if let cookie = request.cookies[Self.cookieName], BearerCredentials.constantTimeEquals(Array(cookie.value.utf8), expectedCookie) {
            return try await next(request, context)
        }
        if let query = request.uri.queryParameters["token"], BearerCredentials.constantTimeEquals(Array(query.utf8), expectedToken) {
            guard isPage, request.method == .get else { return try await next(request, context) }
            var response = Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
            response.setCookie(Cookie(name: Self.cookieName, value: String(decoding: expectedCookie, as: UTF8.self), path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        return refusal(
            status: .unauthorized, isPage: isPage,
            "this analyzer requires its token: open the dashboard once as /?token=TOKEN, "
                + "or send 'Authorization: Bearer TOKEN' (API, /metrics)")
    }

    private func refusal(status: HTTPResponse.Status, isPage: Bool, _ message: String) -> Response {
        if isPage {
            return Response(
                status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
        }
        var response = DashboardJSON.error(message, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = #"Bearer realm="analyzer""# }
        return response
    }

    /// Whether the `Host` (or HTTP/2 authority) names this machine; a missing one (HTTP/1.0) passes.
    static func isLoopbackHost(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return true }
        var host = Substring(authority)
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return AnalyzerServerConfiguration.isLoopback(String(host))
    }

    /// The token as a cookie value: bytes outside `A-Z a-z 0-9 - . _ ~` percent-encoded.
    static func cookieValue(_ token: String) -> String {
        var result = ""
        for byte in token.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
