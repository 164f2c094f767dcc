/// ANSI styling for terminal output, off when the output is not a terminal or `NO_COLOR` is set.
public struct TerminalStyle: Sendable {
    /// Whether escape codes are written.
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func red(_ text: String) -> String { wrap(text, "31") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Fixed-width number formatting for tables, and text from logs made safe for a terminal.
enum Format {
    /// Milliseconds from microseconds, one decimal: `1234.5` (any value, without overflow).
    static func ms(_ micros: Int64) -> String {
        let tenths = micros / 100 + (micros % 100 >= 50 ? 1 : micros % 100 <= -50 ? -1 : 0)
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        guard count < width else { return text }
        let padding = String(repeating: " ", count: width - count)
        return right ? padding + text : text + padding
    }

    /// `text` with every control character written as a visible escape (`\e`, `\a`, `\n`, `\x7f`,
    /// `\u{9b}`, and the bidirectional overrides that reorder what a terminal shows), so that log content
    /// can neither move the cursor, recolor or retitle the terminal, ring its bell, nor hide text.
    /// Cut to `limit` characters (escapes included) with `…`.
    static func sanitized(_ text: String, limit: Int = 200) -> String {
        var result = TerminalText.escaped(text)
        if result.count > limit { result = String(result.prefix(limit)) + "…" }
        return result
    }

    /// ``sanitized(_:limit:)`` without a length limit: for names and IDs, which the format bounds.
    static func text(_ text: String) -> String { TerminalText.escaped(text) }
}
