import ShipperCore

/// Everything the pipeline needs besides its sources and sink.
public struct PipelineConfiguration: Sendable {
    /// Directory for the checkpoint, the spool and the dead-letter file. One per shipper.
    public var stateDirectory: String
    /// When batches close.
    public var batch: BatchLimits
    /// gzip level 1...9 for request bodies, or `nil` for plain NDJSON.
    public var compressionLevel: Int32?
    /// Most undelivered bytes kept on disk before reading pauses.
    public var spoolMaxBytes: Int
    /// Waits between delivery retries.
    public var backoff: Backoff
    /// Retries before a batch is dead-lettered; `nil` (default) retries forever, because a finite
    /// default silently turns an outage into data loss.
    public var maxRetries: Int?
    /// How long shutdown may spend delivering what is spooled before exiting (the rest waits on disk).
    public var shutdownTimeout: Duration
    /// What the transform fills in for plain lines.
    public var defaults: EventShaper.Defaults
    /// Longest line written; longer wrapped messages are cut.
    public var maxLineBytes: Int
    /// Records a source returns per read.
    public var readLimit: Int
    /// Most shaped lines waiting between the sources and the batcher.
    public var queueLimit: Int
    /// Share of one core the whole process may use (0.1 = 10%), enforced by pausing the sources;
    /// `nil` (default) for no limit. See `--max-cpu`.
    public var maxCPU: Double?

    /// Creates a configuration with the documented defaults: 1000 events / 1 MiB / 1 s batches, gzip
    /// level 1 (the sidecar pays its CPU all day: level 6 costs 2.4x for ~25% smaller bodies), a 256 MiB spool, retries forever, 10 s shutdown.
    public init(
        stateDirectory: String, defaults: EventShaper.Defaults, batch: BatchLimits = BatchLimits(),
        compressionLevel: Int32? = 1, spoolMaxBytes: Int = 256 << 20, backoff: Backoff = Backoff(),
        maxRetries: Int? = nil, shutdownTimeout: Duration = .seconds(10), maxLineBytes: Int = 1 << 20,
        readLimit: Int = 512, queueLimit: Int = 8192, maxCPU: Double? = nil
    ) {
        self.stateDirectory = stateDirectory
        self.defaults = defaults
        self.batch = batch
        self.compressionLevel = compressionLevel
        self.spoolMaxBytes = spoolMaxBytes
        self.backoff = backoff
        self.maxRetries = maxRetries
        self.shutdownTimeout = shutdownTimeout
        self.maxLineBytes = maxLineBytes
        self.readLimit = readLimit
        self.queueLimit = queueLimit
        self.maxCPU = maxCPU
    }
}

/// Makes a source on its own thread, resuming from the positions given.
public struct SourceFactory: Sendable {
    /// A short name for logs and metrics (`file`, `journald`).
    public var name: String
    /// Creates the source; runs on the source's thread.
    public var make: @Sendable (Checkpoint) throws -> any RecordSource

    /// Creates a factory.
    public init(name: String, make: @escaping @Sendable (Checkpoint) throws -> any RecordSource) {
        self.name = name
        self.make = make
    }
}
