import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffers encoded lines in memory and writes them to a ``LogOutput`` from one background thread.
///
/// Producers encode straight into the shared buffer while holding a mutex, so a line is always written
/// whole and lines never interleave, whatever the number of threads and tasks logging. The writer thread
/// swaps the buffer out (double buffering) and does the I/O without the lock. It sleeps when there is
/// nothing to do and is woken by the first line that arrives after it went idle, then waits `linger`
/// to collect a batch: at most one wake-up per `linger` under load, and no polling when idle.
///
/// When the buffer holds `capacity` bytes the ``BackPressure`` policy applies. Failed writes are retried
/// with backoff when retrying can help (full disk), and counted as lost otherwise (closed pipe); losses
/// are reported in the stream itself as a `log` event with `dropped_events`.
public final class LineWriter: Sendable {
    struct State: ~Copyable {
        var pending: OutputBuffer
        /// The encoder's memory between lines; guarded by the same lock as `pending`.
        var cache = EncodingCache()
        var droppedEvents = 0
        var lostEvents = 0
        var lostReason = ""
        var writerIdle = false
        var writing = false
        var closed = false
        var totalLines = 0
        /// Lines handed to the output (or counted lost) so far; `flush` waits for its target.
        var deliveredLines = 0
        /// Pending bytes at which the next producer yields the processor to the writer.
        var yieldAt = LineWriter.batchBytes
    }

    /// Pending bytes after which a producer lets the writer run (`sched_yield`): when both share one
    /// core, a producer's time slice would otherwise fill the whole `capacity` before the writer gets
    /// to it, and the kernel's copy then reads a buffer that has left the cache (`writer-throughput`
    /// pinned to one idle core, typed path: 0.90 M/s before, 1.10-1.32 M/s with the yield). It is one
    /// system call per `batchBytes`, returning at once when nothing else waits for the producer's core;
    /// on a busy core that log call may wait for the scheduler's next turn, as any preemption would.
    static let batchBytes = 1 << 20

    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    /// The output this writer owns.
    public let output: any LogOutput
    /// Bytes buffered before the back-pressure policy applies.
    public let capacity: Int
    /// What a log call does when the buffer is full.
    public let backPressure: BackPressure
    private let lingerMicroseconds: UInt32
    private let reportLoss: @Sendable (_ dropped: Int, _ reason: String) -> String?

    /// Creates a writer and starts its thread.
    ///
    /// - Parameters:
    ///   - output: where lines go.
    ///   - capacity: bytes buffered before `backPressure` applies (default 8 MiB).
    ///   - backPressure: block or drop when full (default ``BackPressure/block``).
    ///   - linger: how long the writer waits after waking to batch more lines (default 200 µs).
    ///   - reportLoss: builds the line (without newline) that reports dropped or lost events; `nil` to skip.
    public init(
        output: any LogOutput, capacity: Int = 8 << 20, backPressure: BackPressure = .block,
        lingerMicroseconds: UInt32 = 200,
        reportLoss: @escaping @Sendable (_ dropped: Int, _ reason: String) -> String? = { _, _ in nil }
    ) {
        self.output = output
        self.capacity = max(capacity, 4096)
        self.backPressure = backPressure
        self.lingerMicroseconds = lingerMicroseconds
        self.reportLoss = reportLoss
        self.state = Mutex(State(pending: OutputBuffer(capacity: min(self.capacity, 64 * 1024))))
        let thread = Thread { [self] in self.run() }
        thread.name = "servicelog-writer"
        thread.start()
    }

    /// Appends one line: `encode` writes the line's bytes (without newline) into the buffer while the
    /// lock is held, so it must be quick and must not log. Returns `false` if the line was dropped.
    @discardableResult
    @inline(__always)
    public func append(_ encode: (inout OutputBuffer) -> Void) -> Bool {
        appendLine { out, _ in
            encode(&out)
            return true
        }
    }

    /// ``append(_:)`` for the handler's encoder, which also uses the cache kept under the same lock, and
    /// may decline: `encode` returns `false` after removing what it wrote, and nothing is appended
    /// (then this returns `false` too).
    @inline(__always)
    @discardableResult
    func appendLine(_ encode: (inout OutputBuffer, inout EncodingCache) -> Bool) -> Bool {
        while true {
            switch appendOnce(encode) {
            case .appended: return true
            case .appendedWakeWriter:
                wakeWriter()
                return true
            case .appendedBatchFull:
                sched_yield()
                return true
            case .dropped, .declined: return false
            case .full:
                // The writer is busy (it cannot be idle while lines are pending): just wait for room.
                usleep(500)
            }
        }
    }


    enum AppendOutcome { case appended, appendedWakeWriter, appendedBatchFull, dropped, declined, full }


    @inline(__always)
    func appendOnce(_ encode: (inout OutputBuffer, inout EncodingCache) -> Bool) -> AppendOutcome {
        state.withLock { state in
            if state.closed { return .dropped }
            if state.pending.byteCount >= capacity {
                if backPressure == .drop {
                    state.droppedEvents += 1
                    return .dropped
                }
                return .full
            }
            guard encode(&state.pending, &state.cache) else { return .declined }
            state.pending.append(0x0A)
            state.totalLines += 1
            if state.writerIdle {
                state.writerIdle = false
                return .appendedWakeWriter
            }
            if state.pending.byteCount >= state.yieldAt {
                state.yieldAt = state.pending.byteCount + Self.batchBytes
                return .appendedBatchFull
            }
            return .appended
        }
    }


    func wakeWriter() { wake.signal() }

    /// Lines accepted since start (for tests and metrics).
    public var acceptedLines: Int { state.withLock { $0.totalLines } }

    /// Events dropped by the policy or lost to output failures and not yet reported.
    public var unreportedLosses: Int { state.withLock { $0.droppedEvents + $0.lostEvents } }

    /// Blocks until every line appended before the call has been handed to the output, then flushes it.
    /// Lines appended meanwhile by other threads do not delay it.
    public func flush() {
        let target = state.withLock { $0.totalLines }
        while true {
            let done = state.withLock { state -> Bool in
                if state.deliveredLines >= target || state.closed && state.pending.isEmpty && !state.writing { return true }
                if state.writerIdle {
                    state.writerIdle = false
                    wake.signal()
                }
                return false
            }
            if done { break }
            usleep(200)
        }
        do {
            try output.flush()
        } catch {
            writeDiagnostic("flush failed: \(error)")
        }
    }

    /// Flushes, then stops the writer thread. Later appends are dropped.
    public func shutdown() {
        flush()
        let wasOpen = state.withLock { state -> Bool in
            defer { state.closed = true }
            if state.writerIdle { state.writerIdle = false; return true }
            return !state.closed
        }
        if wasOpen {
            wake.signal()
            exited.wait()
        }
    }

    private enum Step { case sleep, exit, write(losses: Int, reason: String, through: Int) }

    private func run() {
        var batch = OutputBuffer(capacity: 64 * 1024)
        // Lines delivered by the previous batch, not yet recorded: recorded under the next lock taken,
        // so that a writer kept busy by a fast output takes the lock once per batch, not twice.
        var delivered: Int?
        while true {
            let step = state.withLock { state -> Step in
                if let through = delivered {
                    state.writing = false
                    state.deliveredLines = max(state.deliveredLines, through)
                }
                let losses = state.droppedEvents + state.lostEvents
                if state.pending.isEmpty && losses == 0 {
                    if state.closed { return .exit }
                    state.writerIdle = true
                    return .sleep
                }
                state.pending.swapContents(with: &batch)
                state.yieldAt = Self.batchBytes
                let reason = state.lostEvents > 0 ? state.lostReason : "buffer full (back-pressure policy: drop)"
                state.droppedEvents = 0
                state.lostEvents = 0
                state.writing = true
                return .write(losses: losses, reason: reason, through: state.totalLines)
            }
            delivered = nil
            switch step {
            case .exit:
                exited.signal()
                return
            case .sleep:
                wake.wait()
                if lingerMicroseconds > 0 { usleep(lingerMicroseconds) }
            case .write(let losses, let reason, let through):
                if losses > 0, let report = reportLoss(losses, reason) {
                    var text = report + "\n"
                    text.withUTF8 { deliver(UnsafeRawBufferPointer($0), countingLosses: false) }
                }
                batch.withBytes { deliver($0, countingLosses: true) }
                let wasSmall = batch.byteCount < 64 * 1024
                // Keep the memory a busy writer needs (the two buffers take turns holding up to
                // `capacity`): freeing and re-allocating it per batch cost page faults and kernel
                // zeroing of fresh pages on every batch. A huge line still gives its memory back.
                batch.removeAll(keepingAtMost: capacity + (1 << 20))
                if wasSmall && lingerMicroseconds > 0 {
                    // A fast output would otherwise have the writer take the lock again at once, and
                    // producers would meet it there on every line: let a small batch's successor build
                    // up. Record the delivery first, so `flush` does not wait out the linger.
                    state.withLock {
                        $0.writing = false
                        $0.deliveredLines = max($0.deliveredLines, through)
                    }
                    usleep(lingerMicroseconds)
                } else {
                    delivered = through
                }
            }
        }
    }

    /// Writes with retries: a retryable error (full disk) is retried with backoff for about a minute,
    /// then the lines are counted as lost; a permanent error counts them as lost at once.
    private func deliver(_ lines: UnsafeRawBufferPointer, countingLosses: Bool) {
        guard !lines.isEmpty else { return }
        var delayMicroseconds: UInt32 = 50_000
        var waited: UInt64 = 0
        var offset = 0
        while true {
            do {
                try output.write(UnsafeRawBufferPointer(rebasing: lines[offset...]))
                return
            } catch {
                // Resume after what was written: a retry must not repeat or split a line.
                offset = min(lines.count, offset + error.bytesWritten)
                if offset == lines.count { return }
                if error.isRetryable && waited < 60_000_000 {
                    if waited == 0 { writeDiagnostic("\(error); retrying") }
                    usleep(delayMicroseconds)
                    waited += UInt64(delayMicroseconds)
                    delayMicroseconds = min(delayMicroseconds * 2, 1_000_000)
                    continue
                }
                let rest = UnsafeRawBufferPointer(rebasing: lines[offset...])
                let count = rest.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                writeDiagnostic("\(error); \(count) events lost")
                // A failed loss report is not itself counted: that would loop on a dead output.
                guard countingLosses else { return }
                state.withLock {
                    $0.lostEvents += count
                    $0.lostReason = "output failed: \(error.message)"
                }
                return
            }
        }
    }
}
