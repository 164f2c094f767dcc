/// Fans live events out to every open stream (`GET /api/stream`).
///
/// Each subscriber gets its own buffer of the newest 256 events: a slow browser drops old events
/// rather than holding memory or slowing the publisher. Publishing never waits.
public actor DashboardEventHub {
    private var subscribers: [Int: AsyncStream<DashboardEvent>.Continuation] = [:]
    private var nextID = 0
    private var closed = false

    /// Creates a hub with no subscribers.
    public init() {}

    /// A new stream of every event published from now on; it ends when the hub closes or the consumer
    /// stops iterating.
    public func subscribe() -> AsyncStream<DashboardEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DashboardEvent.self, bufferingPolicy: .bufferingNewest(256))
        guard !closed else {
            continuation.finish()
            return stream
        }
        let id = nextID
        nextID += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        return stream
    }

    /// Sends `event` to every subscriber.
    public func publish(_ event: DashboardEvent) {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    /// Ends every stream (server shutdown); later subscriptions end at once.
    public func close() {
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    private func remove(_ id: Int) {
        subscribers[id] = nil
    }
}
