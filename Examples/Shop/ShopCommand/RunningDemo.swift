import Synchronization
import ShopKit

/// The demo's own tasks (load, progress line) and its one way to stop: whichever comes first of
/// Ctrl-C, an error or the end, the load stops before the services (so nothing is killed mid-fault
/// for being busy) and everything is stopped once.
final class RunningDemo: Sendable {
    private struct State {
        var load: Task<Void, Never>?
        var progress: Task<Void, Never>?
        var stopping: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Records the load and progress tasks once they run.
    func started(load: Task<Void, Never>, progress: Task<Void, Never>) {
        state.withLock {
            $0.load = load
            $0.progress = progress
        }
    }

    /// Stops redrawing the progress line (the load goes on).
    func stopProgress() {
        state.withLock { $0.progress }?.cancel()
    }

    /// Stops the load, then every process; a second call waits for the first instead of racing it.
    func stop(_ launcher: ShopLauncher) async {
        let stopping = state.withLock { state -> Task<Void, Never> in
            if let stopping = state.stopping { return stopping }
            state.progress?.cancel()
            state.load?.cancel()
            let task = Task { await launcher.stopAll() }
            state.stopping = task
            return task
        }
        await stopping.value
    }

    /// Whether a stop has begun.
    var isStopping: Bool {
        state.withLock { $0.stopping != nil }
    }
}
