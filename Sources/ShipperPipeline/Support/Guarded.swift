import Foundation

/// State shared between the pipeline's threads, with a condition to wait for it to change.
///
/// The stages run on plain threads (they block in `poll`, `sd_journal_wait`, libcurl and `fsync`), so
/// they coordinate with a lock and a condition variable rather than actors.
final class Guarded<State>: @unchecked Sendable {
    // @unchecked is sound: `state` is private and only touched inside `withLock`/`wait`, which hold
    // `condition`'s lock, so no two threads ever access it at once.
    private let condition = NSCondition()
    private var state: State

    init(_ state: State) {
        self.state = state
    }

    /// Runs `body` with exclusive access to the state and wakes every waiter afterwards.
    @discardableResult
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return try body(&state)
    }

    /// Waits until `ready` holds or `deadline` passes, then runs `body` under the lock either way.
    /// `ready` sees the state each time it changes.
    func wait<R>(
        until ready: (State) -> Bool, deadline: ContinuousClock.Instant, _ body: (inout State, Bool) throws -> R
    ) rethrows -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        while !ready(state) {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: left.seconds))
        }
        return try body(&state, ready(state))
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
