import Synchronization

/// A bounded pool of datastore connections: a call takes one, or waits up to `waitTimeout` for one.
/// Its `in_use`/`size` gauges go into the service's `resource` events, which is how the analyzer
/// tells an exhausted pool from a slow datastore.
public actor ConnectionPool {
    /// Thrown when no connection became free in time.
    public struct Exhausted: Error, CustomStringConvertible {
        /// The pool's size.
        public var size: Int
        /// How long the call waited.
        public var waited: Duration
        public var description: String { "no datastore connection free after \(waited) (pool of \(size) in use)" }
    }

    /// Connections in the pool.
    public let size: Int
    /// How long a call waits for a connection.
    public let waitTimeout: Duration
    private var inUse = 0
    private var leaked = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiter = 0

    public init(size: Int = 8, waitTimeout: Duration = .seconds(1)) {
        self.size = size
        self.waitTimeout = waitTimeout
    }

    /// Gauges for the `resource` event: `db_pool_in_use`, `db_pool_size`, `db_pool_waiting`. Readable
    /// without awaiting, because the resource sampler reads its gauges synchronously.
    public nonisolated var gauges: [String: Double] {
        let (inUse, waiting) = published.withLock { $0 }
        return ["db_pool_in_use": Double(inUse), "db_pool_size": Double(size), "db_pool_waiting": Double(waiting)]
    }
    private nonisolated let published = Mutex<(inUse: Int, waiting: Int)>((0, 0))

    private func publish() {
        published.withLock { $0 = (inUse, waiters.count) }
    }

    /// Runs `body` holding a connection. While fewer than `leakShare` of the connections have leaked,
    /// this one is never given back either (the bug the `pool_exhaustion` fault stands for: a code
    /// path that forgets to release it). The decision is made when releasing, inside the actor, so
    /// concurrent calls cannot leak more than the share.
    public nonisolated func withConnection<T: Sendable>(leakShare: Double = 0, _ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let result = try await body()
            await release(leakShare: leakShare)
            return result
        } catch {
            await release(leakShare: leakShare)
            throw error
        }
    }

    func acquire() async throws {
        defer { publish() }
        if inUse < size {
            inUse += 1
            return
        }
        nextWaiter += 1
        let id = nextWaiter
        let timeout = waitTimeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        // A cancelled caller stops waiting at once instead of at the timeout.
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append((id, continuation))
                publish()
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
        timer.cancel()
        guard granted else { throw Exhausted(size: size, waited: timeout) }
    }

    func release(leakShare: Double) {
        defer { publish() }
        if Double(leaked) < leakShare * Double(size) {
            leaked += 1
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: true)  // the connection passes on
        } else {
            inUse -= 1
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
        publish()
    }

    /// Gives back the leaked connections (the fault is cleared: in effect a restart of the pool).
    public func reclaimLeaked() {
        let count = leaked
        leaked = 0
        for _ in 0..<count { release(leakShare: 0) }
    }

}
