import AnalyzerCore

/// A fault the demo injects: `SERVICE:KIND[:AMOUNT]`, e.g. `inventory:pool_exhaustion`.
public struct PlannedFault: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var setting: FaultSetting

    public init(service: String, setting: FaultSetting) {
        self.service = service
        self.setting = setting
    }

    /// Parses `SERVICE:KIND[:AMOUNT]`; `nil` when it is not of that form or names no known kind.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard (2...3).contains(parts.count), let kind = ShopFault(rawValue: parts[1]) else { return nil }
        var amount: Double?
        if parts.count == 3 {
            guard let value = Double(parts[2]) else { return nil }
            amount = value
        }
        self.init(service: parts[0], setting: FaultSetting(kind: kind, amount: amount))
    }

    /// The story: pricing's leak, exposed by recommendations' surge.
    public static let story = [
        PlannedFault(service: "pricing", setting: FaultSetting(kind: .memoryLeak)),
        PlannedFault(service: "recommendations", setting: FaultSetting(kind: .surge)),
    ]

    /// The kind the analyzer should name for this fault (`nil` for a traffic condition).
    public var expectedKind: FaultKind? {
        switch setting.kind {
        case .memoryLeak: .memoryLeak
        case .cpu: .cpuSaturation
        case .latency: .latency
        case .errors: .errors
        case .poolExhaustion: .resourceExhaustion
        case .stop: .unavailable
        case .surge, nil: nil
        }
    }

    public var description: String {
        "\(service):\(setting.kind?.rawValue ?? "none"):\(Int(setting.amount))"
    }
}
