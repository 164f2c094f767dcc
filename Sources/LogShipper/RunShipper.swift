import ArgumentParser
import Foundation
import Hummingbird
import ListenAddress
import Logging
import Metrics
import MetricsExposition
import Prometheus
import ServiceLifecycle
import ServiceLog
import ShipperPipeline

/// `logshipper [run]`: ships until SIGTERM or SIGINT.
struct RunShipper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Ship events until stopped (the default command).")

    @OptionGroup var options: ShipperOptions

    func run() async throws {
        let (settings, problems) = ShipperSettings.resolve(options.rawSettings())
        guard problems.isEmpty else {
            throw StartError(problems.map(\.description).joined(separator: "\n"))
        }
        // Refuse a bad sink URL before anything is created on disk.
        _ = try HTTPSinkFactory.make(ShipperAssembly.sinkConfiguration(settings), kind: settings.sink.kind)
        // Before the state directory is touched: a metrics port in use must not start a half shipper.
        let metricsSetting = "metrics.listen / --metrics-listen"
        if let listen = settings.metricsListen {
            do {
                try await ListenAddress.checkAvailable(host: listen.host, port: listen.port, setting: metricsSetting)
            } catch {
                throw StartError(error.description + " Another logshipper on this host needs its own port; 'off' disables /metrics and /health.")
            }
        }
        // Its own log is canonical events on stdout, like the services it ships for.
        ServiceLog.bootstrap(service: "logshipper", level: settings.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(DocumentedPrometheusFactory(registry: registry, help: PipelineMetrics.help))
        Gauge(label: "logshipper_build_info", dimensions: [("version", LogShipperCommand.configuration.version)]).record(1)
        let logger = Logger(label: "logshipper")

        let pipeline: Pipeline
        do {
            pipeline = try Pipeline(
                configuration: ShipperAssembly.pipelineConfiguration(settings),
                sources: ShipperAssembly.sources(settings),
                sink: { [sinkConfiguration = ShipperAssembly.sinkConfiguration(settings), kind = settings.sink.kind] in
                    try HTTPSinkFactory.make(sinkConfiguration, kind: kind)
                },
                logger: logger)
        } catch {
            throw StartError("cannot use the state directory '\(settings.stateDirectory)': \(error)")
        }

        var services: [any Service] = []
        if let listen = settings.metricsListen {
            services.append(MetricsServer.application(
                host: listen.host, port: listen.port, registry: registry, pipeline: pipeline,
                deliveryFailureThreshold: settings.healthDeliveryFailure))
        }
        services.append(PipelineService(pipeline: pipeline, logger: logger))
        logger.notice(
            "logshipper started",
            metadata: [
                "files": "\(settings.files.include)", "journald": "\(settings.journald.enabled)",
                "sink": "\(settings.sink.url)", "state_dir": "\(settings.stateDirectory)",
                "metrics": "\(settings.metricsListen.map { "\($0.host):\($0.port)" } ?? "off")",
            ])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(
                service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            // Taken between the check and the bind.
            if let listen = settings.metricsListen, ListenAddress.isAddressInUse(error) {
                throw StartError(ListenAddress.message(error, host: listen.host, port: listen.port, setting: metricsSetting))
            }
            throw error
        }
        ServiceLog.flush()
    }
}

/// A reason not to start, printed as is (no usage text: the flags parsed fine, their values did not).
struct StartError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
