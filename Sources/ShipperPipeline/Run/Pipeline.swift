import Foundation
import Logging
import ServiceLog
import ShipperCore

/// The whole sidecar minus its command line: sources -> shape -> batch -> spool -> deliver.
///
/// Threads: one per source (blocking reads, shaping), one batcher (closes batches, appends them to the
/// spool, blocking when the spool is full so that the sources pause), one delivery loop (owns the
/// sink). ``start()`` returns at once; ``stop()`` begins a graceful shutdown; ``waitUntilFinished()``
/// blocks until every thread has returned and the state is saved.
public final class Pipeline: Sendable {
    /// The configuration it runs with.
    public let configuration: PipelineConfiguration
    /// Counters and the statistics snapshot.
    public let metrics: PipelineMetrics
    /// What opening the spool found (undelivered batches from before, repairs).
    public var recovery: SpoolRecovery { spool.recovery }

    private let sources: [SourceFactory]
    private let makeSink: @Sendable () throws -> any BatchSink
    private let logger: Logger
    private let spool: Spool
    private let checkpointFile: CheckpointFile
    private let acknowledged: Checkpoint
    private let control = Guarded(PipelineControl())
    private let queue: Guarded<LineQueue>
    private let shaper: EventShaper
    private let governor: CPUGovernor?

    /// Lines shaped by the sources, waiting for the batcher.
    struct LineQueue {
        var lines: [(line: [UInt8], stream: StreamID, position: StreamPosition)] = []
        var limit: Int
    }

    /// Opens the state directory: loads the checkpoint, opens and repairs the spool. Throws when the
    /// state cannot be used (unwritable directory, unreadable checkpoint), with what to do.
    public init(
        configuration: PipelineConfiguration, sources: [SourceFactory],
        sink: @escaping @Sendable () throws -> any BatchSink, metrics: PipelineMetrics = PipelineMetrics(),
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.sources = sources
        self.makeSink = sink
        self.metrics = metrics
        self.logger = logger
        try FileIO.createDirectory(configuration.stateDirectory)
        checkpointFile = CheckpointFile(path: configuration.stateDirectory + "/checkpoint.json")
        let saved = try checkpointFile.load()
        acknowledged = saved.checkpoint
        spool = try Spool(
            directory: configuration.stateDirectory + "/spool", maxBytes: configuration.spoolMaxBytes,
            acknowledged: saved.spool, checkpoint: saved.checkpoint)
        queue = Guarded(LineQueue(limit: configuration.queueLimit))
        shaper = EventShaper(defaults: configuration.defaults, maxLineBytes: configuration.maxLineBytes)
        governor = configuration.maxCPU.map(CPUGovernor.init(share:))
        for repair in spool.recovery.repairs {
            logger.warning("spool repaired on start", metadata: ["repair": "\(repair)"])
        }
        if spool.recovery.pendingBatches > 0 {
            logger.notice(
                "undelivered batches from the previous run will be sent first",
                metadata: ["batches": .stringConvertible(spool.recovery.pendingBatches), "bytes": .stringConvertible(spool.recovery.pendingBytes)])
        }
    }

    /// Starts every thread and returns.
    public func start() {
        control.withLock { $0.runningSources = sources.count }
        let resume = Checkpoint(positions: spool.recovery.resumePositions)
        for factory in sources {
            startThread(name: "logshipper-source-\(factory.name)") { [self] in runSource(factory, resume: resume) }
        }
        startThread(name: "logshipper-batcher") { [self] in runBatcher() }
        startThread(name: "logshipper-delivery") { [self] in runDelivery() }
    }

    /// Begins a graceful shutdown: sources stop reading, the open batch is spooled, and delivery goes
    /// on for up to `shutdownTimeout` to empty the spool. Safe to call more than once.
    public func stop() {
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        control.withLock { control in
            if control.phase == .running { control.phase = .draining(deadline: deadline) }
        }
    }

    /// Blocks until every thread has returned. Returns the failure that ended the pipeline, if any.
    @discardableResult
    public func waitUntilFinished() -> String? {
        let fatal = control.wait(
            until: { $0.deliveryDone && $0.batcherDone && $0.runningSources == 0 },
            deadline: .now + .seconds(86_400 * 365)
        ) { control, _ in control.fatalError }
        spool.close()
        return fatal
    }

    /// Whether the pipeline is still running (not draining or stopped).
    public var isRunning: Bool { control.withLock { $0.isRunning } }

    // MARK: Threads

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    private func runSource(_ factory: SourceFactory, resume: Checkpoint) {
        defer { control.withLock { $0.runningSources -= 1 } }
        var handedOff = resume
        var failures = 0
        while control.withLock({ $0.isRunning }) {
            let source: any RecordSource
            do {
                source = try factory.make(handedOff)
                metrics.sourceFailing(factory.name, reason: nil)
            } catch {
                failures += 1
                if failures == 1 || failures.isMultiple(of: 30) {
                    logger.error(
                        "cannot open source; retrying every few seconds",
                        metadata: ["source_name": "\(factory.name)", "reason": "\(error)"])
                }
                metrics.sourceFailing(factory.name, reason: "\(error)")
                pause(.seconds(min(5, failures)))
                continue
            }
            failures = 0
            var previous = SourceStatistics()
            do {
                while control.withLock({ $0.isRunning }) {
                    let records = try source.read(limit: configuration.readLimit, timeout: .milliseconds(250))
                    report(source, factory.name, &previous)
                    guard !records.isEmpty else { continue }
                    var shaped: [(line: [UInt8], stream: StreamID, position: StreamPosition)] = []
                    shaped.reserveCapacity(records.count)
                    var wrapped = 0
                    for (record, result) in zip(records, shapeInParallel(records)) {
                        if result.wrapped { wrapped += 1 }
                        shaped.append((result.line, record.stream, record.position))
                        handedOff.advance(past: record)
                    }
                    metrics.read(records.count, wrapped: wrapped, source: factory.name)
                    guard enqueue(shaped) else { break }
                    governor?.pace()
                }
            } catch {
                logger.error("source failed; reopening it", metadata: ["source_name": "\(factory.name)", "reason": "\(error)"])
                metrics.sourceFailing(factory.name, reason: "\(error)")
                pause(.seconds(1))
            }
            report(source, factory.name, &previous)
            source.close()
        }
    }

    /// Shapes a read's records, in two halves on two cores when there are enough of them (and no CPU
    /// cap asks for thrift): shaping is the costliest stage per line, and each record is shaped on its
    /// own, so halves in parallel let the batcher's gzip rather than shaping set the rate. Order is kept.
    private func shapeInParallel(_ records: [SourceRecord]) -> [EventShaper.Shaped] {
        guard records.count >= 64, governor == nil, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return records.map { self.shaper.shape($0) }
        }
        let middle = records.count / 2
        let halves = Guarded<[[EventShaper.Shaped]]>([[], []])
        let shaper = self.shaper
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let range = part == 0 ? 0..<middle : middle..<records.count
            var out: [EventShaper.Shaped] = []
            out.reserveCapacity(range.count)
            for index in range { out.append(shaper.shape(records[index])) }
            halves.withLock { $0[part] = out }
        }
        return halves.withLock { $0[0] + $0[1] }
    }

    private func report(_ source: any RecordSource, _ name: String, _ previous: inout SourceStatistics) {
        for notice in source.takeNotices() {
            let metadata = Logger.Metadata(uniqueKeysWithValues: notice.details.map { ($0.key, .string($0.value)) })
                .merging(["source_name": "\(name)"]) { current, _ in current }
            switch notice.severity {
            case .info: logger.info("\(notice.message)", metadata: metadata)
            case .warning: logger.warning("\(notice.message)", metadata: metadata)
            }
        }
        let now = source.statistics
        var skipped: [String: Int] = [:]
        for (reason, count) in now.skipped where count != previous.skipped[reason, default: 0] {
            skipped[reason] = count - previous.skipped[reason, default: 0]
        }
        let truncated = now.truncatedLines - previous.truncatedLines
        if truncated != 0 || !skipped.isEmpty {
            metrics.sourceCounters(truncatedLines: truncated, skipped: skipped, source: name)
        }
        previous = now
    }

    /// Hands lines to the batcher, waiting while the queue is full (back-pressure from a full spool).
    /// `false` when shutdown started meanwhile; lines not handed off are read again on the next start.
    private func enqueue(_ lines: [(line: [UInt8], stream: StreamID, position: StreamPosition)]) -> Bool {
        while true {
            let accepted = control.withLock { $0.isRunning }
                ? queue.wait(until: { $0.lines.count < $0.limit }, deadline: .now + .milliseconds(250)) { queue, ready in
                    guard ready else { return false }
                    queue.lines.append(contentsOf: lines)
                    return true
                }
                : false
            if accepted { return true }
            if !control.withLock({ $0.isRunning }) { return false }
        }
    }

    private func runBatcher() {
        defer { control.withLock { $0.batcherDone = true } }
        var batcher = Batcher(limits: configuration.batch, compressionLevel: configuration.compressionLevel)
        // Batches closed by one hand-off from the sources are spooled together: one fsync (group commit).
        func spoolBatches(_ batches: [SpoolBatch]) -> Bool {
            guard !batches.isEmpty else { return true }
            do {
                guard try spool.append(contentsOf: batches) else { return false }
                for batch in batches { metrics.spooled(batch) }
                return true
            } catch {
                logger.critical(
                    "cannot write the spool; stopping (fix the disk, then restart: nothing acknowledged is lost)",
                    metadata: ["reason": "\(error)"])
                control.withLock { $0.fatalError = "\(error)"; $0.phase = .stopped }
                return false
            }
        }
        while true {
            let deadline = batcher.deadline ?? .now + .milliseconds(250)
            let (taken, sourcesDone) = queue.wait(until: { !$0.lines.isEmpty }, deadline: deadline) { queue, _ in
                let lines = queue.lines
                queue.lines.removeAll(keepingCapacity: true)
                return (lines, control.withLock { !$0.isRunning && $0.runningSources == 0 })
            }
            do {
                var closed: [SpoolBatch] = []
                for item in taken {
                    closed.append(contentsOf: try batcher.add(item.line, stream: item.stream, position: item.position))
                }
                if let batch = try batcher.closeIfDue() { closed.append(batch) }
                guard spoolBatches(closed) else { return }
                if sourcesDone, taken.isEmpty {
                    // Sources have stopped and nothing is queued: spool what is open, then finish.
                    if let batch = try batcher.close() { _ = spoolBatches([batch]) }
                    return
                }
            } catch {
                logger.critical("cannot compress a batch", metadata: ["reason": "\(error)"])
                control.withLock { $0.fatalError = "\(error)"; $0.phase = .stopped }
                return
            }
            if control.withLock({ $0.phase == .stopped }) { return }
        }
    }

    private func runDelivery() {
        defer { control.withLock { $0.deliveryDone = true } }
        let sink: any BatchSink
        do {
            sink = try makeSink()
        } catch {
            logger.critical("cannot create the sink", metadata: ["reason": "\(error)"])
            control.withLock { $0.fatalError = "\(error)"; $0.phase = .stopped }
            return
        }
        let loop = DeliveryLoop(
            spool: spool, sink: sink, checkpointFile: checkpointFile,
            deadLetters: DeadLetterFile(path: configuration.stateDirectory + "/dead-letter.ndjson"),
            checkpoint: acknowledged, backoff: configuration.backoff, maxRetries: configuration.maxRetries,
            compressionLevel: configuration.compressionLevel, control: control, metrics: metrics, logger: logger)
        loop.run()
        // Delivery is over (drained, or the deadline passed): let the other threads return now.
        control.withLock { $0.phase = .stopped }
        spool.close()
    }

    private func pause(_ duration: Duration) {
        let until = ContinuousClock.now + duration
        control.wait(until: { !$0.isRunning }, deadline: until) { _, _ in }
    }
}
