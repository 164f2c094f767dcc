import Foundation
import Hummingbird
import Prometheus
import ShipperPipeline

/// `/metrics` (Prometheus text format, from swift-prometheus) and `/health` (JSON, ``PipelineHealth``;
/// 503 when a source cannot be read or deliveries have been failing for a while) on a local port.
enum MetricsServer {
    static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, pipeline: Pipeline, deliveryFailureThreshold: Duration
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in metricsResponse(registry) }
        router.get("health") { _, _ in healthResponse(pipeline, deliveryFailureThreshold: deliveryFailureThreshold) }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "logshipper"))
    }

    static func metricsResponse(_ registry: PrometheusCollectorRegistry) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        let bytes: [UInt8] = registry.emitToBuffer()
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func healthResponse(_ pipeline: Pipeline, deliveryFailureThreshold: Duration) -> Response {
        let health = PipelineHealth(
            statistics: pipeline.metrics.statistics, startedAt: pipeline.metrics.startedAt, deliveryFailureThreshold: deliveryFailureThreshold)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let bytes: [UInt8] = (try? encoder.encode(health)).map(Array.init) ?? Array("{}".utf8)
        return Response(
            status: health.healthy ? .ok : .serviceUnavailable, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
