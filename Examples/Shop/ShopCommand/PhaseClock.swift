import Synchronization

/// The progress line's prefix: the phase and its seconds.
final class PhaseClock: Sendable {
    private let state = Mutex<(name: String, started: ContinuousClock.Instant, length: Double?)>(("", .now, nil))

    /// Starts phase `name`, `seconds` long (`nil`: until something happens).
    func set(_ name: String, seconds: Double?) {
        state.withLock { $0 = (name, .now, seconds) }
    }

    /// `[healthy 12/40 s] ` or `[fault +8 s, waiting for the analyzer] `.
    var label: String {
        let (name, started, length) = state.withLock { $0 }
        let elapsed = (ContinuousClock.now - started).components.seconds
        return length.map { "[\(name) \(elapsed)/\(Int($0)) s] " } ?? "[\(name) +\(elapsed) s, waiting for the analyzer] "
    }
}
