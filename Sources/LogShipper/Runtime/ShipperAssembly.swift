import ServiceLog
import ShipperCore
import ShipperFileSource
import ShipperHTTPSink
import ShipperJournalSource
import ShipperPipeline

/// Builds the pipeline's stages from checked settings: which sources, which sink, which limits.
enum ShipperAssembly {
    static func pipelineConfiguration(_ settings: ShipperSettings) -> PipelineConfiguration {
        PipelineConfiguration(
            stateDirectory: settings.stateDirectory,
            defaults: EventShaper.Defaults(service: settings.service, host: settings.host ?? ServiceLogConfiguration.hostName()),
            batch: BatchLimits(maxEvents: settings.batchMaxEvents, maxBytes: settings.batchMaxBytes, maxAge: settings.batchMaxAge),
            compressionLevel: settings.compressionLevel,
            spoolMaxBytes: settings.spoolMaxBytes,
            backoff: Backoff(base: settings.retryBase, cap: settings.retryCap),
            maxRetries: settings.maxRetries,
            shutdownTimeout: settings.shutdownTimeout,
            maxLineBytes: settings.files.maxLineBytes,
            maxCPU: settings.maxCPUPercent.map { Double($0) / 100 })
    }

    static func sources(_ settings: ShipperSettings) -> [SourceFactory] {
        var factories: [SourceFactory] = []
        if !settings.files.include.isEmpty {
            let configuration = FileSourceConfiguration(
                include: settings.files.include, exclude: settings.files.exclude,
                maxLineBytes: settings.files.maxLineBytes, rotateWait: settings.files.rotateWait,
                startAtEnd: settings.files.startAtEnd)
            factories.append(SourceFactory(name: "file") { checkpoint in
                try FileSource(configuration: configuration, resumeFrom: checkpoint)
            })
        }
        if settings.journald.enabled {
            let configuration = JournalSourceConfiguration(
                matches: settings.journald.matches, directory: settings.journald.directory,
                startAtEnd: settings.journald.startAtEnd, maxMessageBytes: settings.files.maxLineBytes)
            factories.append(SourceFactory(name: "journald") { checkpoint in
                try JournalSource(configuration: configuration, resumeFrom: checkpoint)
            })
        }
        return factories
    }

    static func sinkConfiguration(_ settings: ShipperSettings) -> HTTPSinkConfiguration {
        HTTPSinkConfiguration(
            endpoint: settings.sink.url, bearerToken: settings.sink.token, headers: settings.sink.headers,
            connectTimeout: settings.sink.connectTimeout, requestTimeout: settings.sink.requestTimeout,
            caFile: settings.sink.caFile, insecureSkipVerify: settings.sink.insecureSkipVerify,
            defaultPath: settings.sink.kind.defaultPath, contentType: settings.sink.kind.contentType)
    }
}
