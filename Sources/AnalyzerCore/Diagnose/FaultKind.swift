/// What kind of fault a root-cause service shows.
public enum FaultKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Resident memory grows steadily while the service slows or fails.
    case memoryLeak = "memory_leak"
    /// CPU near or above the cores available while self time grows.
    case cpuSaturation = "cpu_saturation"
    /// Its own processing (self time) got slower, without errors of its own.
    case latency
    /// It fails on its own (5xx or error events not explained by its callees).
    case errors
    /// It waits on a pool, a queue or a datastore (pool gauges, `resource_exhaustion`-style errors).
    case resourceExhaustion = "resource_exhaustion"
    /// Connections to it are refused, or it stopped writing events.
    case unavailable
    /// Something changed, but the evidence fits no kind above.
    case unknown
}
