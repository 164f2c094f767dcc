import Synchronization

/// Memory that is allocated, touched and never freed: a cache without eviction. The process's
/// resident memory really grows (the `resource` events show it); past `pressureThresholdMB` each
/// request is slowed in proportion, standing in for the allocator and the kernel struggling.
public final class MemoryLeak: Sendable {
    private let retained = Mutex<(blocks: [[UInt8]], bytes: Int)>(([], 0))
    /// Retained memory beyond which requests slow down.
    public let pressureThresholdMB: Double
    /// Added delay per MiB above the threshold.
    public let delayPerMB: Duration
    /// Nothing more is retained beyond this, so a forgotten demo cannot exhaust the machine.
    public let capMB: Double

    public init(pressureThresholdMB: Double = 64, delayPerMB: Duration = .milliseconds(12), capMB: Double = 1536) {
        self.pressureThresholdMB = pressureThresholdMB
        self.delayPerMB = delayPerMB
        self.capMB = capMB
    }

    /// Keeps `kilobytes` more (pages written, so they are resident).
    public func leak(kilobytes: Double) {
        let count = Int(kilobytes * 1024)
        guard count > 0 else { return }
        guard retainedMB < capMB else { return }
        let block = [UInt8](repeating: 0xA5, count: count)  // filled outside the lock: requests do not queue on it
        retained.withLock { state in
            state.blocks.append(block)
            state.bytes += count
        }
    }

    /// Memory retained so far, in MiB.
    public var retainedMB: Double {
        retained.withLock { Double($0.bytes) / 1_048_576 }
    }

    /// The slowdown the retained memory causes now.
    public var pressureDelay: Duration {
        let excess = retainedMB - pressureThresholdMB
        return excess > 0 ? delayPerMB * excess : .zero
    }

    /// Frees everything (a restart, in effect).
    public func release() {
        retained.withLock { $0 = ([], 0) }
    }
}
