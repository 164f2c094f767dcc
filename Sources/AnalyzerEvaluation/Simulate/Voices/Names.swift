/// Small text helpers the voices share.
enum Names {
    /// `risk-engine` → `RiskEngine`.
    static func typeName(_ service: String) -> String {
        service.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `risk-engine` → `risk_engine` (module and package names).
    static func snake(_ service: String) -> String {
        service.replacingOccurrences(of: "-", with: "_")
    }

    /// Lowercase hex digits.
    static func hex(_ rng: inout SplitMix64, _ digits: Int) -> String {
        ScenarioMessages.hex(&rng, digits)
    }

    /// A private IPv4 address.
    static func ip(_ rng: inout SplitMix64) -> String {
        "10.\(rng.int(in: 0...3)).\(rng.int(in: 0...15)).\(rng.int(in: 2...250))"
    }
}
