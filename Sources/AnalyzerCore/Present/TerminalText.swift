/// Text from events made safe to print on a terminal: every character that a terminal would act on
/// rather than show is written as a visible escape. Used by every text view of the analyzer (`trace`,
/// `incidents`, `diagnose`, `services`, `ingest` and `validate` messages).
public enum TerminalText {
    /// `text` with C0 and C1 control characters, DEL and the Unicode bidirectional controls escaped:
    /// `\e` (ESC), `\a` (BEL), `\b`, `\t`, `\n`, `\r`, `\xNN` for other C0 and DEL, `\u{NN}` for C1 and
    /// bidi controls. A backslash is left as is (it moves nothing). Returns `text` itself when there is
    /// nothing to escape (the usual case costs one scan).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x1B: result += "\\e"
            case 0x07: result += "\\a"
            case 0x08: result += "\\b"
            case 0x09: result += "\\t"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0..<0x20, 0x7F: result += "\\x" + hex(scalar.value, digits: 2)
            default: result += "\\u{" + hex(scalar.value, digits: 2) + "}"
            }
        }
        return result
    }

    /// C0, DEL, C1, and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
