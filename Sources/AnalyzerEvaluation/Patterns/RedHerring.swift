/// Something every real system does that looks like trouble and is not the fault.
public enum RedHerring: Sendable, Hashable {
    /// A rolling restart: each listed instance of `service` drains, stops, starts again (cold: less
    /// memory, slower for half a minute) and rejoins the load balancer, one after another.
    case rollingRestart(service: String, instances: [Int], startSecond: Double, gapSeconds: Double, downSeconds: Double)
    /// The same error template at a steady rate all the time (a feature-flag refresh that always
    /// fails, a deprecated client); `inRequests`: logged inside requests that still succeed.
    case noisyLogger(service: String, everySeconds: Double, variant: Int, inRequests: Bool)
    /// A scheduled job: CPU up by `cpuPercent` and requests a little slower for `runSeconds` every
    /// `periodSeconds`, with start and finish lines.
    case cronJob(service: String, job: String, firstSecond: Double, periodSeconds: Double, runSeconds: Double, cpuPercent: Double)
    /// A cache filling up: memory grows by `mbPerMinute` up to `capMB` more, and stays.
    case cacheGrowth(service: String, mbPerMinute: Double, capMB: Double)
    /// An unrelated deploy or configuration change, logged by `service`.
    case deployLine(service: String, atSecond: Double, variant: Int)
    /// A datastore that writes request events only for slow (over `slowerThanMS`) or failed requests,
    /// and for a `sampleShare` of the rest.
    case sampledLogging(service: String, slowerThanMS: Double, sampleShare: Double)
    /// A share of lines written twice: `sameIDShare` of them as the identical line (a shipper resend),
    /// the rest with a new `event_id` (two log handlers).
    case duplicates(rate: Double, sameIDShare: Double)
}
