/// The pipeline's lifecycle, shared by its threads.
struct PipelineControl: Sendable {
    enum Phase: Sendable, Equatable {
        /// Reading and delivering.
        case running
        /// Shutdown asked: sources have stopped or are stopping; delivery goes on until the spool is
        /// empty or the deadline passes.
        case draining(deadline: ContinuousClock.Instant)
        /// Every thread must return now.
        case stopped
    }

    var phase: Phase = .running
    /// Source threads still running.
    var runningSources = 0
    /// Whether the batching thread has flushed its last batch.
    var batcherDone = false
    /// Whether the delivery thread has returned.
    var deliveryDone = false
    /// A failure that ended the pipeline (a spool that cannot be written), if any.
    var fatalError: String?

    var isRunning: Bool { phase == .running }

    /// Whether a wait that would end after `instant` must be cut short.
    func mustStop(by instant: ContinuousClock.Instant) -> Bool {
        switch phase {
        case .running: false
        case .draining(let deadline): instant >= deadline
        case .stopped: true
        }
    }
}
