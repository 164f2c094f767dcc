/// JSON string literals for the prompt's data block.
///
/// Log content goes into the prompt only as JSON string values, so quotes and newlines in a message
/// cannot end a value early, and every `</` is written `<\/` (a valid JSON escape): no log line can
/// produce the `</data>` that closes the untrusted block.
enum PromptJSON {
    /// `text` as a quoted JSON string.
    static func quote(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "/" where previous == "<": result += "\\/"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
            previous = scalar
        }
        result += "\""
        return result
    }

    /// A JSON array of quoted strings on one line.
    static func array(_ items: [String]) -> String {
        "[" + items.map(quote).joined(separator: ", ") + "]"
    }
}
