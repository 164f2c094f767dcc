import AnalyzerCore
import Logging
import ServiceLifecycle

/// Applies a retention policy to the store at start and then every `interval`, so `analyzer serve`
/// keeps its disk bounded without a cron job. Deletions are logged; a failure is logged and retried
/// at the next interval (ingest goes on either way).
public struct RetentionService: Service {
    public let store: any EventStore
    public let policy: RetentionPolicy
    public let interval: Duration
    public let logger: Logger

    public init(store: any EventStore, policy: RetentionPolicy, interval: Duration, logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Stops with the rest of the server: a deletion in progress finishes its chunk first.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await applyOnce()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One retention pass; returns how many events were deleted (0 after a logged failure).
    @discardableResult
    public func applyOnce() async -> Int {
        do {
            let deleted = try await store.applyRetention(policy)
            if deleted > 0 {
                // Said plainly: someone who loaded last month's recording into a new store must see why it went.
                logger.notice(
                    "retention deleted \(deleted) events (older than the --retain age or beyond --max-store-size; --retain 0 keeps them)",
                    metadata: ["deleted": .stringConvertible(deleted)])
            }
            return deleted
        } catch {
            logger.error("retention failed; retrying in \(interval)", metadata: ["reason": .string("\(error)")])
            return 0
        }
    }
}
