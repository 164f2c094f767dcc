import Foundation
import Hummingbird
import ServiceLog

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
