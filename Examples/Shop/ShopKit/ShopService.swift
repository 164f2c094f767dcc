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

/// `GET /admin/fault` lists the faults switched on, `POST /admin/fault` switches one on
/// (`{"kind":"latency","amount":800}`), `DELETE /admin/fault` switches all off and frees what leaked.
enum AdminRoutes {
    static func add(to router: Router<BasicRequestContext>, runtime: ShopRuntime, onExit: @escaping @Sendable () -> Void) {
        router.get("/admin/fault") { _, _ in
            try JSONResponse.encode(runtime.faults.settings)
        }
        router.post("/admin/fault") { request, context -> Response in
            let setting = try await request.decode(as: FaultSetting.self, context: context)
            runtime.faults.apply(setting)
            runtime.logger.notice("fault switched on", metadata: [
                "fault": .string(setting.kind?.rawValue ?? "none"), "amount": .stringConvertible(setting.amount),
            ])
            if setting.kind == .stop {
                Task {
                    try? await Task.sleep(for: .milliseconds(200))  // let the answer go out first
                    onExit()
                }
            }
            return try JSONResponse.encode(runtime.faults.settings)
        }
        router.delete("/admin/fault") { _, _ -> Response in
            runtime.faults.apply(.none)
            runtime.leak.release()
            await runtime.pool.reclaimLeaked()
            runtime.logger.notice("faults cleared")
            return try JSONResponse.encode(runtime.faults.settings)
        }
    }
}

/// JSON bodies for the shop's answers.
enum JSONResponse {
    static func encode(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
