import Foundation
import Hummingbird
import Logging
import ServiceLog
import ServiceLogHummingbird

/// Builds one shop service: ServiceLog's request middleware, the faults, the admin endpoints, `/health`,
/// and the service's own routes.
public enum ShopService {
    /// The Hummingbird application of `runtime.service` on `host:port` (loopback by default).
    public static func makeApplication(
        runtime: ShopRuntime, port: Int, host: String = "127.0.0.1", onExit: @escaping @Sendable () -> Void = { ServiceLog.flush(); exit(0) }
    ) throws -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ServiceLogMiddleware(logger: runtime.logger))
        router.add(middleware: DependencyErrorMiddleware(logger: runtime.logger))
        router.add(middleware: FaultMiddleware(runtime: runtime))
        router.get("/health") { _, _ in "ok" }
        AdminRoutes.add(to: router, runtime: runtime, onExit: onExit)
        try ShopRoutes.add(to: router, runtime: runtime)
        var serverLogger = runtime.logger
        serverLogger.logLevel = .warning  // Hummingbird's per-request debug lines are noise here
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: runtime.service),
            logger: serverLogger)
    }
}
