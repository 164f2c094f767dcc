import Logging
import ServiceLog
import Tracing

extension ServiceLog {
    /// ``ServiceLog/bootstrap(_:output:backPressure:metadataProvider:)``, and ``ServiceLogTracer`` as
    /// swift-distributed-tracing's tracer, writing through the same writer:
    ///
    /// ```swift
    /// ServiceLog.bootstrapWithTracing(ServiceLogConfiguration(service: "orders"))
    /// let router = Router()
    /// router.middlewares.add(TracingMiddleware())   // each request: request_start, request_end
    /// ```
    ///
    /// Call it once, first thing in `main` (both systems can be bootstrapped only once).
    @discardableResult
    public static func bootstrapWithTracing(
        _ configuration: ServiceLogConfiguration, output: any LogOutput = StandardOutput(), backPressure: BackPressure = .block,
        metadataProvider: Logger.MetadataProvider? = nil, peerServices: [String: String] = [:]
    ) -> LineWriter {
        let writer = bootstrap(configuration, output: output, backPressure: backPressure, metadataProvider: metadataProvider)
        InstrumentationSystem.bootstrap(ServiceLogTracer(configuration: configuration, writer: writer, peerServices: peerServices))
        return writer
    }
}
