#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the whole process under a share of one core by pausing the sources (`--max-cpu`).
///
/// A sidecar shares the machine with the service it serves: when the service needs the CPU, the
/// shipper must not take more than its share. The sources call ``pace()`` after each read they hand
/// off; it compares the process's CPU time (every thread: shaping, gzip, delivery) with the wall time
/// of the current one-second window and sleeps until the process is back under `share`. Reading
/// slower is back-pressure to the files and the journal, which are the buffer: nothing is dropped,
/// lines are shipped later.
final class CPUGovernor: Sendable {
    /// Fraction of one core the process may use, e.g. 0.1.
    let share: Double
    private let window = Guarded(Window())

    private struct Window {
        var wallStart: Double = CPUGovernor.wallSeconds()
        var cpuStart: Double = CPUGovernor.cpuSeconds()
    }

    /// How long a measuring window lasts before it restarts, so a burst long ago gives no credit.
    static let windowSeconds = 1.0

    init(share: Double) {
        self.share = max(0.01, share)
    }

    /// Sleeps as long as needed for the process's CPU time in this window to be at most `share` of
    /// the wall time; returns at once when under it.
    func pace() {
        let now = Self.wallSeconds()
        let cpu = Self.cpuSeconds()
        let owed: Double = window.withLock { window in
            let used = cpu - window.cpuStart
            let elapsed = now - window.wallStart
            let wait = used / share - elapsed
            if elapsed >= Self.windowSeconds, wait <= 0 {
                window = Window(wallStart: now, cpuStart: cpu)
            }
            return wait
        }
        guard owed > 0 else { return }
        // At most a quarter second per call: the source checks for shutdown between reads.
        let wait = min(owed, 0.25)
        var request = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    static func cpuSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func wallSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
