/// The five patterns of real systems that issue 12 found the engine had never been evaluated on. Each
/// is a switch of the generator (all on by default; `analyzer eval --without NAME` turns one off), so a
/// figure can be read with and without it.
public enum EvaluationPattern: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 4xx that are a service doing its job: 429 bursts from rate-limited abusive clients, 401/404
    /// rises from scanning bots, a steady trickle of expired tokens and missing items.
    case clientErrors = "client-errors"
    /// Faults that barely move the entry: low intensity, one instance of several, behind a fallback,
    /// on a low-traffic path.
    case subtleFaults = "subtle-faults"
    /// A `latency` fault in a service's network: every message to and from it is delayed.
    case slowLinks = "slow-links"
    /// Faults with their real symptoms: GC pauses, OOM kills and restarts; leaked pools with timeouts
    /// and 503s; crashes with refused connections; bugs that throw in the service.
    case symptoms
    /// What every real system has and no fault explains: rolling restarts, a chronically noisy error
    /// logger, cron CPU spikes, a cache filling up, traffic surges, deploy lines, sampled datastore
    /// logs, duplicated lines, lost correlation IDs, clock skew between hosts.
    case redHerrings = "red-herrings"

    /// Every pattern: the default.
    public static let all = Set(allCases)

    /// One line for `--help` and reports.
    public var summary: String {
        switch self {
        case .clientErrors: "429/401/404 from rate limiting and bots (not faults)"
        case .subtleFaults: "low-intensity, one-instance, behind-fallback and low-traffic-path faults"
        case .slowLinks: "latency faults in a service's network (its own spans look normal)"
        case .symptoms: "GC pauses + OOM kill + restart, leaked pools, crashes, throwing bugs"
        case .redHerrings: "restarts, noisy logger, cron CPU, cache growth, surges, deploys, sampling, duplicates, lost IDs, skew"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
