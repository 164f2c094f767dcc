import Hummingbird

/// Reports the status of every ingest request (`/v1/events` and the OTLP paths), refusals included,
/// so that a metric can count them by path and code; the request itself is untouched.
///
/// It runs outside the token check, so a 401 is counted too. A route that throws (a path that does
/// not exist: 404) is reported with the error's status.
public struct IngestOutcomeMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Called with the request path and the status sent; must return quickly.
    public let report: @Sendable (_ path: String, _ status: Int) -> Void

    /// Creates the middleware.
    public init(report: @escaping @Sendable (_ path: String, _ status: Int) -> Void) {
        self.report = report
    }

    /// Calls `next`, then reports its status.
    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            report(request.uri.path, Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            report(request.uri.path, Int(error.status.code))
            throw error
        } catch {
            report(request.uri.path, 500)
            throw error
        }
    }
}
