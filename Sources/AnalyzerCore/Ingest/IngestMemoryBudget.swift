import Synchronization

/// The decoded body bytes that all ingest requests in progress may hold together
/// (``IngestLimits/maxInFlightBytes``): each request reserves what it inflates as it inflates it, and a
/// request that would go past the budget is refused with 503 and `Retry-After` instead of adding its
/// events to memory. Bounds what concurrent large (or gzip-bomb-sized) bodies cost the server.
public final class IngestMemoryBudget: Sendable {
    /// The bytes all requests may hold at once.
    public let capacity: Int
    private let used = Mutex(0)

    /// Creates a budget of `capacity` bytes.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Bytes reserved right now.
    public var inUse: Int { used.withLock { $0 } }

    /// Takes `bytes` from the budget if they fit; `false` (and nothing taken) otherwise.
    func take(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard bytes <= capacity - used else { return false }
            used += bytes
            return true
        }
    }

    /// Gives `bytes` back.
    func give(_ bytes: Int) {
        used.withLock { $0 -= bytes }
    }

    /// One request's share: grows as its body is decoded, returned whole by ``release()``.
    public final class Reservation: Sendable {
        private let budget: IngestMemoryBudget?
        private let held = Mutex(0)

        /// A reservation against `budget`; `nil` reserves nothing and never refuses (tests, files).
        public init(_ budget: IngestMemoryBudget?) {
            self.budget = budget
        }

        /// Reserves `bytes` more; `false` when the budget cannot hold them.
        public func grow(by bytes: Int) -> Bool {
            guard let budget else { return true }
            guard budget.take(bytes) else { return false }
            held.withLock { $0 += bytes }
            return true
        }

        /// Returns everything reserved so far (once the request's events are stored or dropped).
        public func release() {
            let bytes = held.withLock { held in
                defer { held = 0 }
                return held
            }
            if bytes > 0 { budget?.give(bytes) }
        }

        deinit { release() }
    }
}
