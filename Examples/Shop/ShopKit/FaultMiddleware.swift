import Foundation
import Hummingbird
import Logging
import ServiceLog

/// Applies the service's faults to every request except `/health` and `/admin/...`. It runs inside
/// ServiceLog's request span, so a slowed or failed request shows as this service's own behaviour.
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let runtime: ShopRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path != "/health", !path.hasPrefix("/admin") else { return try await next(request, context) }
        let faults = runtime.faults
        if let kilobytes = faults.amount(of: .memoryLeak) {
            runtime.leak.leak(kilobytes: kilobytes)
        }
        let pressure = runtime.leak.pressureDelay
        if pressure > .zero { try await Task.sleep(for: pressure) }
        if let milliseconds = faults.amount(of: .latency) {
            try await Task.sleep(for: .milliseconds(milliseconds))
        }
        if let milliseconds = faults.amount(of: .cpu) {
            Self.burn(milliseconds: milliseconds)
        }
        if let percent = faults.amount(of: .errors), Double.random(in: 0..<100) < percent {
            let error = InjectedError(service: runtime.service)
            runtime.logger.errorEvent(error, message: "\(runtime.service) internal error: invariant violated in request handler")
            throw HTTPError(.internalServerError, message: error.description)
        }
        return try await next(request, context)
    }

    /// Busy work on the calling thread (an event loop: other requests on it wait too, as in real life).
    static func burn(milliseconds: Double) {
        let deadline = Date().addingTimeInterval(milliseconds / 1000)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while Date() < deadline {
            for _ in 0..<2_000 { state = state &* 6_364_136_223_846_793_005 &+ 1 }
        }
        if state == 42 { print("") }  // keeps the loop from being optimised away
    }
}

/// The error the `errors` fault throws.
struct InjectedError: Error, CustomStringConvertible {
    let service: String
    var description: String { "injected failure in \(service)" }
}
