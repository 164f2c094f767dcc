/// What one series of request buckets measures: a service's requests, one of its instances or
/// endpoints, or the calls along one edge of the call graph.
enum SeriesKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case service(String)
    case instance(String, String)
    case endpoint(String, String)
    case edge(caller: String, target: String)
    /// Every call to a service, whoever made it: the service as all its callers see it (more requests
    /// than any one edge, for a service called by several).
    case incoming(String)
    /// A service's own processing time (duration minus waiting on its calls): what it does itself,
    /// seen even when its requests' durations are dominated by what it waits on.
    case selfTime(String)
    /// A service's own error messages (not those it writes because a call of its own failed), per
    /// request it handled: for systems whose spans carry no status, errors show only here.
    case errorLogs(String)

    /// The service whose behaviour the series shows (for an edge: the callee, as its callers see it).
    var service: String {
        switch self {
        case .service(let name), .instance(let name, _), .endpoint(let name, _), .errorLogs(let name), .incoming(let name), .selfTime(let name): name
        case .edge(_, let target): target
        }
    }

    /// Every service the series touches.
    var services: [String] {
        switch self {
        case .edge(let caller, let target): [caller, target]
        default: [service]
        }
    }

    /// Whether the series is of calls (one edge, or all calls to a service) rather than the service's own.
    var isEdge: Bool {
        switch self {
        case .edge, .incoming: true
        default: false
        }
    }

    var description: String {
        switch self {
        case .service(let name): name
        case .instance(let name, let instance): "\(name) (instance \(instance))"
        case .endpoint(let name, let endpoint): "\(name) \(endpoint)"
        case .edge(let caller, let target): "\(caller) → \(target)"
        case .errorLogs(let name): "\(name) (error logs)"
        case .incoming(let name): "→ \(name) (all callers)"
        case .selfTime(let name): "\(name) (own time)"
        }
    }

    static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        lhs.description < rhs.description
    }
}
