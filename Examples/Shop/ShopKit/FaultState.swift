import Synchronization

/// The faults a running service has switched on, read on every request. Several can be on at once
/// (the story's case: a leak in pricing, and a surge from recommendations).
public final class FaultState: Sendable {
    private let active = Mutex<[ShopFault: Double]>([:])

    public init() {}

    /// Switches `setting.kind` on with its amount (or everything off for `nil`).
    public func apply(_ setting: FaultSetting) {
        active.withLock { faults in
            if let kind = setting.kind { faults[kind] = setting.amount } else { faults.removeAll() }
        }
    }

    /// Switches one fault off.
    public func clear(_ kind: ShopFault) {
        active.withLock { _ = $0.removeValue(forKey: kind) }
    }

    /// The amount of `kind` when it is on.
    public func amount(of kind: ShopFault) -> Double? {
        active.withLock { $0[kind] }
    }

    /// Everything switched on.
    public var settings: [FaultSetting] {
        active.withLock { faults in
            faults.sorted { $0.key.rawValue < $1.key.rawValue }.map { FaultSetting(kind: $0.key, amount: $0.value) }
        }
    }
}
