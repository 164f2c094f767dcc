import Foundation
import Logging
import ServiceLifecycle
import ShipperPipeline

/// Runs the pipeline as a ServiceLifecycle service: starts it, and on graceful shutdown (SIGTERM,
/// SIGINT) stops reading, lets it drain for up to its shutdown timeout, and returns once the state is
/// saved. Returns early, with an error, if the pipeline ends on its own because of a fatal failure.
struct PipelineService: Service {
    let pipeline: Pipeline
    let logger: Logger

    func run() async throws {
        pipeline.start()
        let pipeline = pipeline
        let fatal: String? = await withGracefulShutdownHandler {
            await Self.waitOnThread(pipeline)
        } onGracefulShutdown: {
            pipeline.stop()
        }
        let statistics = pipeline.metrics.statistics
        logger.notice(
            "logshipper stopped",
            metadata: [
                "events_read": .stringConvertible(statistics.eventsRead), "events_shipped": .stringConvertible(statistics.eventsShipped),
                "spool_batches_left": .stringConvertible(statistics.spoolBatches),
            ])
        if let fatal { throw PipelineFailure(reason: fatal) }
    }

    /// `waitUntilFinished` blocks; keep it off the cooperative pool (two threads on this machine).
    private static func waitOnThread(_ pipeline: Pipeline) async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: pipeline.waitUntilFinished()) }.start()
        }
    }
}

/// The pipeline stopped by itself.
struct PipelineFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { "logshipper stopped: \(reason)" }
}
