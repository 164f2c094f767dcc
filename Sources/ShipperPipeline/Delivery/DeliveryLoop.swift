import Gzip
import Logging
import ServiceLog
import ShipperCore

/// The delivery stage: takes batches from the spool in order, sends them through the sink, and only
/// when a batch is settled (acknowledged, or dead-lettered because it can never be accepted) advances
/// the checkpoint and frees the spool.
///
/// Retries network errors, 408, 429 and 5xx forever by default (a finite default would silently drop
/// data), with ``Backoff``; splits a batch answered with 413 in halves until the parts fit (a single
/// event still refused is dead-lettered); dead-letters other 4xx at once so they never block the
/// events behind them. Runs on one thread, which owns the sink.
final class DeliveryLoop {
    private let spool: Spool
    private let sink: any BatchSink
    private let checkpointFile: CheckpointFile
    private let deadLetters: DeadLetterFile
    private let backoff: Backoff
    private let maxRetries: Int?
    private let compressionLevel: Int32?
    private let control: Guarded<PipelineControl>
    private let metrics: PipelineMetrics
    private let logger: Logger
    private var checkpoint: Checkpoint
    private var generator = SystemRandomNumberGenerator()
    private var spoolWasFull = false
    /// Acknowledged batches whose checkpoint is not saved yet, and when it was last saved.
    private var unsavedCursor: SpoolCursor?
    private var lastSave = ContinuousClock.now
    /// Longest a delivered batch waits for its checkpoint while more batches keep coming. A crash
    /// (kill -9) in that window sends those batches again (the analyzer drops them by event_id);
    /// a graceful stop saves before it returns, so a SIGTERM restart sends nothing twice.
    static let checkpointInterval: Duration = .milliseconds(250)

    init(
        spool: Spool, sink: any BatchSink, checkpointFile: CheckpointFile, deadLetters: DeadLetterFile,
        checkpoint: Checkpoint, backoff: Backoff, maxRetries: Int?, compressionLevel: Int32?,
        control: Guarded<PipelineControl>, metrics: PipelineMetrics, logger: Logger
    ) {
        self.spool = spool
        self.sink = sink
        self.checkpointFile = checkpointFile
        self.deadLetters = deadLetters
        self.checkpoint = checkpoint
        self.backoff = backoff
        self.maxRetries = maxRetries
        self.compressionLevel = compressionLevel
        self.control = control
        self.metrics = metrics
        self.logger = logger
    }

    /// Delivers until shutdown: returns once draining found the spool empty (everything before it was
    /// read and spooled), or the drain deadline passed (the rest stays spooled for the next start).
    func run() {
        defer { saveCheckpoint() }
        var previous: SpoolCursor?
        while true {
            publishSpoolState()
            let (phase, upstreamDone) = control.withLock { ($0.phase, $0.batcherDone) }
            if phase == .stopped { return }
            if case .draining(let deadline) = phase, ContinuousClock.now >= deadline { return }
            let spooled: SpooledBatch?
            do {
                spooled = try spool.next(after: previous, timeout: .milliseconds(200))
            } catch {
                logger.critical("cannot read the spool; stopping delivery", metadata: ["reason": "\(error)"])
                control.withLock { $0.fatalError = "\(error)"; $0.phase = .stopped }
                return
            }
            guard let spooled else {
                if case .draining = phase, upstreamDone, spool.backlog.batches == 0 { return }
                continue
            }
            guard settle(spooled) else { return }  // interrupted by the drain deadline: stays spooled
            previous = spooled.end
            acknowledge(spooled)
        }
    }

    // MARK: Settling one batch

    /// Delivers or dead-letters the batch; `false` if shutdown interrupted it first.
    private func settle(_ spooled: SpooledBatch) -> Bool {
        let started = ContinuousClock.now
        let batch = spooled.batch
        switch attempt(batch.payload) {
        case .interrupted:
            return false
        case .acknowledged(let response):
            account(response, lines: nil, batch: batch, started: started)
            return true
        case .rejected(let status, let reason):
            metrics.refused(reason: reason)
            deadLetter(lines(of: batch), status: status, reason: reason)
            return true
        case .tooLarge:
            return settleSplitting(lines(of: batch), started: started)
        }
    }

    /// Sends `lines` in halves, recursively, until each part is accepted or is a single refused event.
    private func settleSplitting(_ lines: [ArraySlice<UInt8>], started: ContinuousClock.Instant) -> Bool {
        guard lines.count > 1 else {
            deadLetter(lines, status: 413, reason: "the receiver refuses this event as too large (413) even on its own")
            return true
        }
        let middle = lines.count / 2
        for part in [Array(lines[..<middle]), Array(lines[middle...])] {
            let payload = makePayload(part)
            switch attempt(payload) {
            case .interrupted:
                return false
            case .acknowledged(let response):
                account(response, lines: part, batch: nil, started: started)
            case .rejected(let status, let reason):
                metrics.refused(reason: reason)
                deadLetter(part, status: status, reason: reason)
            case .tooLarge:
                guard settleSplitting(part, started: started) else { return false }
            }
        }
        return true
    }

    private enum Settled {
        case acknowledged(String)
        case rejected(status: Int?, reason: String)
        case tooLarge
        case interrupted
    }

    /// One payload through the sink, retrying what is worth retrying.
    private func attempt(_ payload: BatchPayload) -> Settled {
        var retry = 0
        while true {
            if control.withLock({ $0.phase == .stopped }) { return .interrupted }
            switch sink.deliver(payload) {
            case .acknowledged(_, let response):
                return .acknowledged(response)
            case .tooLarge:
                return .tooLarge
            case .rejected(let status, let reason) where !Self.isMisconfiguration(status):
                return .rejected(status: status, reason: reason)
            case .rejected(let status, let reason):
                // A wrong URL or token refuses every batch alike: keep them spooled (reading pauses when
                // the spool fills) and say loudly what to fix, instead of dead-lettering everything.
                guard waitBeforeRetry(&retry, reason: reason, kind: "http_\(status)", retryAfter: nil, log: { attempt, _ in
                    logger.error(
                        "the receiver refuses every request: fix the shipper's configuration (events stay spooled)",
                        metadata: ["status": .stringConvertible(status), "reason": "\(reason)", "delivery_attempt": .stringConvertible(attempt)])
                }) else { return .interrupted }
            case .retryable(let reason, let retryAfter):
                if let maxRetries, retry >= maxRetries {
                    return .rejected(status: nil, reason: "gave up after \(retry + 1) attempts (max_retries): \(reason)")
                }
                guard waitBeforeRetry(
                    &retry, reason: reason, kind: retryAfter == nil ? "error" : "retry_after", retryAfter: retryAfter,
                    log: { attempt, delay in
                        logger.warning(
                            "delivery failed; retrying (events stay spooled until the receiver acknowledges them)",
                            metadata: ["reason": "\(reason)", "delivery_attempt": .stringConvertible(attempt), "retry_in_ms": .stringConvertible(Int(delay.seconds * 1000))])
                    })
                else { return .interrupted }
            }
        }
    }

    /// Counts a failed attempt, logs it (the first and every tenth, so a long outage does not flood the
    /// log), and sleeps the backoff; `false` when shutdown cut the wait short.
    private func waitBeforeRetry(
        _ retry: inout Int, reason: String, kind: String, retryAfter: Duration?, log: (_ attempt: Int, _ delay: Duration) -> Void
    ) -> Bool {
        saveCheckpoint()  // what was delivered before the outage must not wait for it to end
        let delay = backoff.delay(attempt: retry, retryAfter: retryAfter, using: &generator)
        metrics.retried(reason: reason, kind: kind)
        if retry == 0 || retry.isMultiple(of: 10) { log(retry + 1, delay) }
        retry += 1
        publishSpoolState()
        return sleep(delay)
    }

    /// Statuses that say "this shipper is misconfigured" (wrong URL, missing or wrong token) rather
    /// than "this batch is bad": redirects, 401, 403, 404, 405, 407.
    static func isMisconfiguration(_ status: Int) -> Bool {
        (300..<400).contains(status) || [401, 403, 404, 405, 407].contains(status)
    }

    /// Sleeps up to `delay`; `false` when shutdown must cut the wait short.
    private func sleep(_ delay: Duration) -> Bool {
        let wakeAt = ContinuousClock.now + delay
        return control.wait(until: { $0.mustStop(by: wakeAt) }, deadline: wakeAt) { _, mustStop in !mustStop }
    }

    // MARK: Accounting

    private func account(_ body: String, lines known: [ArraySlice<UInt8>]?, batch: SpoolBatch?, started: ContinuousClock.Instant) {
        let response = ReceiverResponse.parse(body)
        let total = known?.count ?? batch?.eventCount ?? 0
        let invalid = response.invalid ?? 0
        metrics.delivered(events: total - invalid, duplicates: response.duplicates ?? 0, latency: .now - started)
        guard invalid > 0 else { return }
        // The receiver stored the batch but refused some lines: every one it names goes to the
        // dead-letter file with its reason (the receiver's, or, past the reasons it lists, the one this
        // shipper's own decoder gives for the line).
        let all = known ?? batch.map(lines(of:)) ?? []
        let reasons = Dictionary(response.namedInvalidLines, uniquingKeysWith: { first, _ in first })
        var numbers = (response.invalidLines.map { ranges in all.indices.map { $0 + 1 }.filter(ranges.contains) })
            ?? reasons.keys.sorted()
        numbers = numbers.filter { $0 >= 1 && $0 <= all.count }
        var grouped: [(reason: String, lines: [ArraySlice<UInt8>])] = []
        for number in numbers {
            let reason = "receiver refused the line: " + (reasons[number] ?? Self.localReason(all[number - 1], invalid: invalid, described: reasons.count))
            // Consecutive lines with the same reason share one durable write.
            if grouped.last?.reason == reason { grouped[grouped.count - 1].lines.append(all[number - 1]) } else { grouped.append((reason, [all[number - 1]])) }
        }
        for group in grouped { deadLetter(group.lines, status: 200, reason: group.reason) }
        if invalid > numbers.count {
            // Only a receiver that names fewer lines than it counts gets here (not the analyzer).
            metrics.dropped(invalid - numbers.count, reason: "receiver_invalid")
        }
        logger.warning(
            "the receiver refused lines of an acknowledged batch; they are in the dead-letter file",
            metadata: ["invalid": .stringConvertible(invalid), "dead_lettered": .stringConvertible(numbers.count), "first_error": "\(response.errors?.first ?? "")",
                "file": "\(deadLetters.path)"])
    }

    /// Why a line the receiver refused without a reason is bad, as this shipper's decoder sees it.
    static func localReason(_ line: ArraySlice<UInt8>, invalid: Int, described: Int) -> String {
        let verdict = line.withUnsafeBytes { bytes -> String? in
            do throws(EventDecodingError) {
                _ = try Event(jsonLine: bytes, limits: DecodingLimits(maxLineBytes: .max))
                return nil
            } catch {
                return error.reason
            }
        }
        return verdict
            ?? "no reason given (the receiver described \(described) of the batch's \(invalid) invalid lines; this shipper finds nothing wrong with it)"
    }

    private func deadLetter(_ lines: [ArraySlice<UInt8>], status: Int?, reason: String) {
        // A dead-letter file that cannot be written must not lose the events: keep trying, and let
        // the spool fill (reading pauses) until the disk has room again.
        var failures = 0
        while true {
            do {
                try deadLetters.append(lines: lines, status: status, reason: reason)
                break
            } catch {
                if failures == 0 {
                    logger.error(
                        "cannot write the dead-letter file; delivery waits until it can",
                        metadata: ["path": "\(deadLetters.path)", "reason": "\(error)"])
                }
                failures += 1
                if !sleep(.seconds(1)) { return }
            }
        }
        let kind = status.map { "http_\($0)" } ?? "retries_exhausted"
        metrics.deadLettered(lines.count, reason: kind)
        logger.error(
            "events dead-lettered: the receiver will never accept them as sent",
            metadata: ["events": .stringConvertible(lines.count), "http_status": status.map { .stringConvertible($0) } ?? "none (retries exhausted)",
                "reason": "\(reason)", "file": "\(deadLetters.path)"])
    }

    /// Records a settled batch. The checkpoint (an atomic replace: two fsyncs) is saved at once when
    /// nothing else is waiting in the spool, and otherwise every ``checkpointInterval``: one save for
    /// many batches during a backlog or at line rate.
    private func acknowledge(_ spooled: SpooledBatch) {
        checkpoint.positions.merge(spooled.batch.positions) { _, new in new }
        unsavedCursor = spool.acknowledge(spooled)
        if spool.backlog.batches == 0 || ContinuousClock.now - lastSave >= Self.checkpointInterval {
            saveCheckpoint()
        }
    }

    private func saveCheckpoint() {
        guard let cursor = unsavedCursor else { return }
        unsavedCursor = nil
        lastSave = .now
        do {
            try checkpointFile.save(CheckpointFile.Contents(checkpoint: checkpoint, spool: cursor))
            spool.removeDelivered()
        } catch {
            // Delivered but not recorded: a restart sends these again (the analyzer drops duplicates).
            logger.error("cannot save the checkpoint", metadata: ["path": "\(checkpointFile.path)", "reason": "\(error)"])
        }
    }

    private func publishSpoolState() {
        let backlog = spool.backlog
        let full = spool.isFull
        metrics.spool(bytes: backlog.bytes, batches: backlog.batches, full: full)
        if full != spoolWasFull {
            spoolWasFull = full
            if full {
                logger.warning(
                    "spool full: reading is paused until the receiver accepts data again (nothing is dropped)",
                    metadata: ["spool_bytes": .stringConvertible(backlog.bytes), "spool_max_bytes": .stringConvertible(spool.maxBytes)])
            } else {
                logger.notice("spool has room again: reading resumed", metadata: ["spool_bytes": .stringConvertible(backlog.bytes)])
            }
        }
    }

    // MARK: Batch bodies

    private func lines(of batch: SpoolBatch) -> [ArraySlice<UInt8>] {
        var body = batch.body
        if batch.contentEncoding == "gzip" {
            body = (try? Gzip.decompress(batch.body, maxOutputBytes: batch.uncompressedBytes + 1)) ?? []
        }
        return body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    }

    private func makePayload(_ lines: [ArraySlice<UInt8>]) -> BatchPayload {
        var body: [UInt8] = []
        for line in lines {
            body.append(contentsOf: line)
            body.append(UInt8(ascii: "\n"))
        }
        if let compressionLevel, let compressed = try? Gzip.compress(body, level: compressionLevel) {
            return BatchPayload(body: compressed, contentEncoding: "gzip", eventCount: lines.count)
        }
        return BatchPayload(body: body, contentEncoding: nil, eventCount: lines.count)
    }
}
