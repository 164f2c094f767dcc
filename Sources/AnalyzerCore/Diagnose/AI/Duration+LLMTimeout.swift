import Foundation

// Named with an `llm` prefix: the module is shared, and a generic name could collide with another file's helper.
extension Duration {
    /// `20 s`, `1.5 s`: how timeouts are reported to people.
    var llmSecondsText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        if seconds == seconds.rounded() { return "\(Int64(seconds)) s" }
        return "\((seconds * 100).rounded() / 100) s"
    }

    /// The duration in seconds, for APIs that take a `TimeInterval`.
    var llmTimeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
