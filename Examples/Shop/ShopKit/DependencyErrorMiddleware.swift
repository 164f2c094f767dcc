import Hummingbird
import Logging
import ServiceLog

/// Turns a failed dependency into the answer a real service would give (502, or `status`) with an
/// `error` event naming the dependency, so the caller's own failures are visibly inherited.
struct DependencyErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as ShopClient.DependencyFailed {
            logger.errorEvent(failure, message: "\(failure)", metadata: ["dependency": .string(failure.service)])
            throw HTTPError(.badGateway, message: failure.description)
        } catch let exhausted as ConnectionPool.Exhausted {
            logger.errorEvent(exhausted, message: "\(exhausted)", errorType: "PoolExhausted")
            throw HTTPError(.serviceUnavailable, message: exhausted.description)
        }
    }
}
