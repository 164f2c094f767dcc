/// What an on-call engineer should do first for each kind of fault, most useful first.
public enum RecommendedActions {
    public static func `for`(_ kind: FaultKind, service: String) -> [String] {
        switch kind {
        case .memoryLeak:
            [
                "Restart \(service) (rolling) to recover now; memory will grow again until the leak is fixed.",
                "Take a heap profile of \(service) and look for caches or collections that grow per request.",
                "Check what changed in \(service) or in the traffic it receives (a surge from one caller can expose the leak).",
                "Alert on the slope of memory_mb, not only on its level.",
            ]
        case .cpuSaturation:
            [
                "Scale \(service) out or give it more CPU to recover now.",
                "Profile \(service) for hot paths; compare with its last deploy.",
                "Check for a traffic surge or retry storm towards \(service) and shed or rate-limit it.",
            ]
        case .latency:
            [
                "Look at what \(service) waits on that is not instrumented (database, external API, locks).",
                "Compare with \(service)'s last deploy or config change and roll back if they line up.",
                "Lower callers' timeouts and retries towards \(service) so slowness does not pile up upstream.",
            ]
        case .errors:
            [
                "Read \(service)'s new error templates below: they usually name the failing code path.",
                "Roll back \(service)'s most recent deploy or config change if it lines up with the start.",
                "Check \(service)'s dependencies that are not instrumented.",
            ]
        case .resourceExhaustion:
            [
                "Find what holds \(service)'s pool connections (slow queries, leaked connections) and fix or kill it.",
                "Raise the pool size or lower the hold time as a stopgap, within what the datastore accepts.",
                "Add back-pressure: fail fast when the pool is exhausted instead of queueing.",
            ]
        case .unavailable:
            [
                "Check that \(service) is running: process, health endpoint, container restarts, OOM kills.",
                "Restart or redeploy \(service); check its host and network (connections are refused or nothing answers).",
                "Make callers fail fast (circuit breaker) while \(service) is down.",
            ]
        case .unknown:
            [
                "Open the sample requests below with `analyzer trace` and compare them with healthy ones.",
                "Check recent deploys and config changes of the services listed.",
            ]
        }
    }
}
