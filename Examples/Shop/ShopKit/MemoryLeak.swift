import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Memory that is allocated, touched and never freed: a cache without eviction. The process's
/// resident memory really grows (the `resource` events show it); past `pressureThresholdMB` each
/// request is slowed in proportion, standing in for the allocator and the kernel struggling.
///
/// Blocks are anonymous mappings of their own, written page by page, not `malloc`ed arrays: malloc
/// may serve a request from memory the process freed earlier and that is still resident, and then
/// the leak would not show in the process's RSS at all.
public final class MemoryLeak: Sendable {
    /// Each block's address (as an integer: raw pointers are not Sendable) and length.
    private let retained = Mutex<(blocks: [(address: UInt, length: Int)], bytes: Int)>(([], 0))
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
        // Mapped and filled outside the lock: requests do not queue on it.
        let mapped = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return }
        memset(mapped, 0xA5, count)
        let block = (address: UInt(bitPattern: mapped), length: count)
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
        let blocks = retained.withLock { state in
            defer { state = ([], 0) }
            return state.blocks
        }
        for block in blocks { munmap(UnsafeMutableRawPointer(bitPattern: block.address), block.length) }
    }

    deinit {
        release()
    }
}
