import Foundation
import Hummingbird
import Prometheus
import ShipperPipeline

/// `/metrics` (Prometheus text format, from swift-prometheus) and `/health` (JSON; 503 when a source
/// cannot be read or delivery has been failing for a while) on a local port.
enum MetricsServer {
    static func application(
        host: String, port: Int, registry: PrometheusCollectorRegistry, pipeline: Pipeline
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in metricsResponse(registry) }
        router.get("health") { _, _ in healthResponse(pipeline) }
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

    static func healthResponse(_ pipeline: Pipeline) -> Response {
        let health = Health(pipeline.metrics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let bytes: [UInt8] = (try? encoder.encode(health)).map(Array.init) ?? Array("{}".utf8)
        return Response(
            status: health.healthy ? .ok : .serviceUnavailable, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The health answer: healthy unless a source is failing or nothing has been acknowledged for a
    /// minute while data waits.
    struct Health: Encodable {
        var healthy: Bool
        var status: String
        var problems: [String]
        var statistics: PipelineStatistics
        var checkpointLagSeconds: Double

        init(_ metrics: PipelineMetrics) {
            statistics = metrics.statistics
            checkpointLagSeconds = statistics.checkpointLag(now: .now(), startedAt: metrics.startedAt)
            var problems = statistics.failingSources.map { "source \($0.key): \($0.value)" }.sorted()
            if checkpointLagSeconds > 60 {
                problems.append(
                    "nothing acknowledged for \(Int(checkpointLagSeconds)) s while \(statistics.spoolBatches) batches wait: "
                        + (statistics.lastDeliveryError ?? "delivery is slow"))
            }
            if statistics.spoolFull { problems.append("spool full: reading is paused") }
            self.problems = problems
            healthy = problems.isEmpty
            status = healthy ? "ok" : "degraded"
        }
    }
}
