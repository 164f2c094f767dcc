/// When and how an outgoing call is retried: capped exponential backoff with full jitter.
public struct RetryPolicy: Sendable {
    /// Total attempts including the first (1 = no retry).
    public var maxAttempts: Int
    /// Backoff before the first retry; doubles per retry up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// Statuses worth retrying (default: 429, 502, 503, 504).
    public var retryableStatusCodes: Set<Int>
    /// Error kinds worth retrying (default: timeout, connection refused or reset).
    public var retryableErrors: Set<ServiceCallError>

    public init(
        maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(2),
        retryableStatusCodes: Set<Int> = [429, 502, 503, 504],
        retryableErrors: Set<ServiceCallError> = [.timeout, .connectionRefused, .connectionReset]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.retryableStatusCodes = retryableStatusCodes
        self.retryableErrors = retryableErrors
    }

    /// One attempt, no retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based): uniform in [0, min(max, initial * 2^(retry-1))].
    public func backoff(beforeRetry retry: Int) -> Duration {
        let cap = min(maxBackoff, initialBackoff * (1 << min(retry - 1, 20)))
        let nanos = Double(cap.components.seconds) * 1e9 + Double(cap.components.attoseconds) / 1e9
        return .nanoseconds(Int64(Double.random(in: 0...max(nanos, 0))))
    }
}
