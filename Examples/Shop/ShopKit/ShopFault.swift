/// A fault (or a traffic condition) switched on in a running service through `POST /admin/fault`.
public enum ShopFault: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every request keeps `amount` KiB that is never freed; past a threshold the service slows down
    /// (allocation and paging pressure), so it only hurts once enough requests have leaked.
    case memoryLeak = "memory_leak"
    /// Every request burns `amount` ms of CPU on the server's event loop.
    case cpu
    /// Every request waits `amount` ms more.
    case latency
    /// `amount` percent of requests fail with 500 and an `error` event.
    case errors
    /// Datastore connections are taken and never returned, until the pool is empty and calls wait.
    case poolExhaustion = "pool_exhaustion"
    /// The process exits (callers then see refused connections).
    case stop
    /// Not a fault: the service sends `amount` times its usual calls downstream (a campaign prefetch).
    case surge

    /// The `amount` used when none is given.
    public var defaultAmount: Double {
        switch self {
        case .memoryLeak: 512
        case .cpu: 40
        case .latency: 800
        case .errors: 60
        case .poolExhaustion: 100
        case .stop: 0
        case .surge: 10
        }
    }

    /// What `amount` means, for `--help` and error messages.
    public var amountUnit: String {
        switch self {
        case .memoryLeak: "KiB leaked per request"
        case .cpu: "ms of CPU per request"
        case .latency: "ms added per request"
        case .errors: "percent of requests failing"
        case .poolExhaustion: "percent of the pool's connections leaked"
        case .stop: "unused"
        case .surge: "times the usual downstream calls"
        }
    }
}

/// The body of `POST /admin/fault` and of `GET /admin/fault`'s answer.
public struct FaultSetting: Sendable, Hashable, Codable {
    /// The fault, or `nil` for none.
    public var kind: ShopFault?
    /// Its strength (see ``ShopFault/amountUnit``).
    public var amount: Double

    /// A fault with `amount`, or its default amount.
    public init(kind: ShopFault?, amount: Double? = nil) {
        self.kind = kind
        self.amount = amount ?? kind?.defaultAmount ?? 0
    }

    /// No fault.
    public static let none = FaultSetting(kind: nil)
}
