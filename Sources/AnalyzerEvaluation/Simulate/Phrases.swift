/// Fills the placeholders of a service's ordinary log lines (``Topology/Service/phrases``), so that
/// every line of a template differs in its variable parts as real ones do.
enum Phrases {
    /// `template` with `{id}` (hex), `{n}` (1–500), `{user}`, `{ms}` (1–400), `{amount}` (cents),
    /// `{word}` (one of a few) replaced by fresh values.
    static func fill(_ template: String, using rng: inout SplitMix64) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "id": result += ScenarioMessages.hex(&rng, 8)
            case "n": result += String(rng.int(in: 1...500))
            case "user": result += "u_\(rng.int(in: 10_000...99_999))"
            case "ms": result += String(rng.int(in: 1...400))
            case "amount": result += String(rng.int(in: 100...99_999))
            case "word": result += rng.pick(["alpha", "north", "blue", "eu-west", "priority", "standard", "bulk"])
            case let other: result += "{\(other)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
