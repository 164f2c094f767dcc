import HTTPTypes
import Hummingbird
import Logging
import ServiceLog

/// Hummingbird middleware that handles every request as a ServiceLog server span.
///
/// It reads `traceparent`, `tracestate` and `X-Correlation-ID` (or starts a new trace), makes the
/// context current for the route handler and everything it calls, writes `request_start` and
/// `request_end` (status, duration; thrown `HTTPResponseError`s keep their status) with the route
/// template as the endpoint, and echoes
/// `X-Correlation-ID` on the response so a caller can quote it in a bug report.
///
/// ```swift
/// let router = Router()
/// router.add(middleware: ServiceLogMiddleware(logger: logger))
/// ```
public struct ServiceLogMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    /// The logger request events are written with.
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let method = request.method.rawValue
        // The route template (`/stock/{sku}`), not the raw path: one endpoint per route keeps the
        // analyzer's per-endpoint baselines and the dependency graph meaningful. Hummingbird resolves
        // the route before running router middleware; unmatched requests keep their raw path.
        let endpoint = context.endpointPath ?? request.uri.path
        return try await withIncomingRequest(
            method: method, endpoint: endpoint,
            headers: { name in HTTPField.Name(name).flatMap { request.headers[$0] } },
            logger: logger,
            statusCode: { Int($0.status.code) },
            errorStatusCode: { error in Int((error as? any HTTPResponseError)?.status.code ?? 500) }
        ) {
            let correlationID = CorrelationContext.current?.correlationID
            do {
                var response = try await next(request, context)
                if let correlationID, let name = HTTPField.Name(TraceHeaders.correlationID) { response.headers[name] = correlationID }
                return response
            } catch let error as any HTTPResponseError {
                // Failed responses are the ones users quote in bug reports: they carry the ID too.
                guard let correlationID else { throw error }
                throw CorrelatedError(base: error, correlationID: correlationID)
            }
        }
    }
}

/// An `HTTPResponseError` with the request's `X-Correlation-ID` added to its response. It describes
/// itself as the error it wraps: that text is what lands in events and error templates.
struct CorrelatedError: HTTPResponseError, WrappingError, CustomStringConvertible {
    let base: any HTTPResponseError
    let correlationID: String

    var wrappedError: any Error { base }

    var status: HTTPResponse.Status { base.status }
    var description: String { String(describing: base) }

    func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        var response = try base.response(from: request, context: context)
        if let name = HTTPField.Name(TraceHeaders.correlationID) { response.headers[name] = correlationID }
        return response
    }
}
