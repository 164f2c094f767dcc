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
        guard let header = request.headers[.authorization], let presented = Self.bearerToken(header),
            Self.constantTimeEquals(presented, expected)
        else {
            let reason = request.headers[.authorization] == nil ? "missing bearer token" : "wrong bearer token"
            return try JSONResponse.make(
                IngestFailure(error: "\(reason): send 'Authorization: Bearer TOKEN' with the analyzer's token"),
                status: .unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="analyzer""#])
        }
        return try await next(request, context)
    }

    /// The credentials of a `Bearer` authorization (the scheme is case-insensitive, RFC 9110 §11.1).
    static func bearerToken(_ header: String) -> [UInt8]? {
        let utf8 = Array(header.utf8)
        guard utf8.count > 7, utf8[6] == 0x20,
            String(decoding: utf8[0..<6], as: UTF8.self).lowercased() == "bearer"
        else { return nil }
        let token = utf8[7...].drop { $0 == 0x20 }
        return token.isEmpty ? nil : Array(token)
    }

    /// Compares every byte of `expected` whatever `presented` holds: the time depends only on the
    /// expected length, never on where the first difference is.
    static func constantTimeEquals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= UInt(byte ^ expected[index])
        }
        return difference == 0
    }
}
