import Hummingbird

/// Lets a request through only with `Authorization: Bearer <token>`; answers 401 otherwise.
///
/// The comparison takes the same time wherever the first wrong byte is, so the token cannot be
/// guessed byte by byte from response times.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]

    /// Creates the middleware for one shared secret (must not be empty).
    public init(token: String) {
        precondition(!token.isEmpty, "an empty bearer token would let anyone in")
        expected = Array(token.utf8)
    }

    /// Checks the `Authorization` header, then calls `next`, or answers 401 without reading the body.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], let presented = BearerCredentials.token(in: header),
            BearerCredentials.constantTimeEquals(presented, expected)
        else {
            let reason = request.headers[.authorization] == nil ? "missing bearer token" : "wrong bearer token"
            return try JSONResponse.make(
                IngestFailure(error: "\(reason): send 'Authorization: Bearer TOKEN' with the analyzer's token"),
                status: .unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="analyzer""#])
        }
        return try await next(request, context)
    }
}
