/// Imperfections real telemetry has, layered on a scenario so the root-cause engine is not evaluated on
/// clean data only. All rates are probabilities per opportunity; zero turns an option off.
public struct NoiseOptions: Sendable, Hashable {
    /// One host's clock is off: every timestamp written there is shifted (durations are not).
    public struct ClockSkew: Sendable, Hashable {
        /// The service whose host's clock is off.
        public var service: String
        /// Milliseconds added to the host's timestamps (negative: its clock is behind).
        public var offsetMS: Double
        /// The instance (host) of `service` whose clock is off; `nil`: every instance.
        public var instance: Int?

        /// `service`'s clock (of one `instance`'s host, or all) is `offsetMS` milliseconds ahead
        /// (negative: behind).
        public init(service: String, offsetMS: Double, instance: Int? = nil) {
            self.service = service
            self.offsetMS = offsetMS
            self.instance = instance
        }
    }

    /// Per request in services other than the faulty one: an unrelated error (`error` event, 500).
    public var backgroundErrorRate: Double
    /// Per request-scoped event: `correlation_id` is left out (`trace_id` stays). On `request_start`,
    /// `request_end` and `service_call` this breaks the format's requirement on purpose, like a
    /// producer that lost the header.
    public var missingCorrelationRate: Double
    /// At most one service with a wrong clock.
    public var clockSkew: ClockSkew?
    /// Per event: the event is lost.
    public var dropRate: Double
    /// Per call: the first attempt fails with `connection_reset` after a few milliseconds and, where the
    /// call allows retries, is retried.
    public var transientFailureRate: Double

    /// Options; everything off by default.
    public init(
        backgroundErrorRate: Double = 0, missingCorrelationRate: Double = 0, clockSkew: ClockSkew? = nil, dropRate: Double = 0,
        transientFailureRate: Double = 0
    ) {
        self.backgroundErrorRate = backgroundErrorRate
        self.missingCorrelationRate = missingCorrelationRate
        self.clockSkew = clockSkew
        self.dropRate = dropRate
        self.transientFailureRate = transientFailureRate
    }

    /// Clean telemetry.
    public static let none = NoiseOptions()

    /// Whether any option is on.
    public var isEmpty: Bool { self == .none }
}
