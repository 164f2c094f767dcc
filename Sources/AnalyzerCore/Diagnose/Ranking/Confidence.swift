/// How sure the ranking is: high when the best candidate is both strong and well ahead of the next
/// one, and its evidence names a kind. Abstentions stay below 0.5.
enum Confidence {
    static func of(_ candidates: [Incident.Candidate], named: Bool) -> Double {
        guard let top = candidates.first, top.score > 0 else { return 0 }
        let second = candidates.dropFirst().first?.score ?? 0
        var value = Self.value(top: top.score, second: second)
        if top.kind == .unknown { value *= 0.7 }
        if !named { value = min(value, 0.3) }
        return (value * 100).rounded() / 100
    }

    /// High when the best candidate is both strong and well ahead of the next one.
    static func value(top: Double, second: Double) -> Double {
        guard top > 0 else { return 0 }
        let separation = top / (top + second)
        let strength = min(1, top / 6)
        return min(0.99, max(0.05, separation * (0.4 + 0.6 * strength)))
    }
}
