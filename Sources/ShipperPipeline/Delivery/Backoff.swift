/// Capped exponential backoff with full jitter: attempt n waits a random time in
/// `0 ... min(cap, base * 2^n)`, so a fleet of shippers that lost the analyzer at the same moment does
/// not come back in lockstep. A receiver's `Retry-After` wins when it is longer.
public struct Backoff: Sendable, Hashable {
    /// The first attempt's ceiling.
    public var base: Duration
    /// The largest wait.
    public var cap: Duration
    /// The longest `Retry-After` honoured (a misconfigured receiver asking for a day is capped).
    public var maxRetryAfter: Duration

    /// Creates a policy. Defaults: 200 ms base, 30 s cap, Retry-After honoured up to 10 minutes.
    public init(base: Duration = .milliseconds(200), cap: Duration = .seconds(30), maxRetryAfter: Duration = .seconds(600)) {
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `attempt` (0 = the first retry).
    public func delay(attempt: Int, retryAfter: Duration?, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = min(cap, base * Double(1 << min(attempt, 30)))
        let jittered = ceiling * Double.random(in: 0...1, using: &generator)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxRetryAfter))
    }
}
