import Foundation

/// Removes secrets and personal data from text before it leaves the host for an LLM.
///
/// Built-in rules, applied in this order (earlier rules see the text first, so a value is replaced by
/// the most specific placeholder):
/// - `Authorization:` / `Proxy-Authorization:` values and `Cookie:` / `Set-Cookie:` lines → `[REDACTED]`
/// - `Bearer <token>` anywhere → `Bearer [REDACTED]`
/// - JSON web tokens and keys with a well-known prefix (`sk-…`, `sk_live_…`, `AKIA…`, `ghp_…`, `xoxb-…`,
///   `AIza…`) → `[REDACTED]`
/// - `key=value` / `key: value` where the key names a secret (`password`, `token`, `secret`, `api_key`,
///   `client_secret`, `cvv`...) → the value becomes `[REDACTED]`
/// - e-mail addresses → `[EMAIL]`
/// - card numbers: 13 to 19 digits, optionally grouped by single spaces or dashes, that pass the Luhn
///   check → `[CARD]` (digit runs that fail it are kept: they are timestamps and IDs far more often)
/// - hex strings of 32+ digits, and base64-like tokens of 32+ characters that look random (mixed
///   digits and cases, frequent changes between them) → `[REDACTED]`
/// - IPv4 addresses → `[IP]` (optional)
/// - extra patterns given by the user → `[REDACTED]`
///
/// Cost: about a dozen regular-expression passes per string; callers redact only what they send.
public struct SecretRedactor: Sendable {
    /// A regular expression and what replaces its matches (an NSRegularExpression template).
    private struct Rule: Sendable {
        var regex: NSRegularExpression
        var template: String
    }

    /// An extra pattern that is not a valid regular expression.
    public struct InvalidPattern: Error, Sendable, Hashable, CustomStringConvertible {
        /// The pattern as given.
        public var pattern: String
        /// `invalid redaction pattern '(unclosed'`.
        public var description: String { "invalid redaction pattern '\(pattern)'" }
    }

    private let leadingRules: [Rule]
    private let email: Rule
    private let longHex: Rule
    private let tokenCandidate: NSRegularExpression
    private let ipv4: Rule?
    private let extraRules: [Rule]

    /// The secret-naming words for `key=value` pairs: the log handler's list (``Redaction/defaultWords``)
    /// plus spellings seen in messages rather than metadata keys.
    static let secretKeyWords = [
        "password", "passwd", "pwd", "passphrase", "secret", "token", "api[_-]?key", "apikey", "access[_-]?key",
        "private[_-]?key", "client[_-]?secret", "credential", "card[_-]?number", "cvv", "cvc", "session[_-]?id", "sessionid",
    ]

    /// - Parameters:
    ///   - extraPatterns: more regular expressions whose matches become `[REDACTED]`.
    ///   - redactIPAddresses: whether IPv4 addresses become `[IP]`.
    /// - Throws: ``InvalidPattern`` for the first extra pattern that does not compile.
    public init(extraPatterns: [String] = [], redactIPAddresses: Bool = true) throws(InvalidPattern) {
        func rule(_ pattern: String, _ template: String, caseInsensitive: Bool = false) -> Rule {
            // The built-in patterns are constants tested below; a failure here is a programming error.
            let regex = try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            return Rule(regex: regex, template: template)
        }
        let words = Self.secretKeyWords.joined(separator: "|")
        leadingRules = [
            rule(#"\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|digest|token|negotiate|apikey)\s+)?[^\s"',;}]+"#,
                 "$1$2[REDACTED]", caseInsensitive: true),
            rule(#"\b((?:set-)?cookie)(["']?\s*[:=]\s*)[^\r\n"]+"#, "$1$2[REDACTED]", caseInsensitive: true),
            rule(#"\bbearer\s+[A-Za-z0-9._~+/=-]{6,}"#, "Bearer [REDACTED]", caseInsensitive: true),
            rule(#"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"#, "[REDACTED]"),
            rule(#"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"#, "[REDACTED]"),
            rule(#"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"#, "[REDACTED]"),
            rule(#"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#, "[REDACTED]"),
            rule(#"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"#, "[REDACTED]"),
            rule(#"\bxox[abprs]-[A-Za-z0-9-]{10,}"#, "[REDACTED]"),
            rule(#"\bAIza[0-9A-Za-z_-]{30,}"#, "[REDACTED]"),
            rule(#"\b([A-Za-z0-9_.-]*(?:\#(words))[A-Za-z0-9_.-]*)(["']?\s*[=:]\s*["']?)(?!\[REDACTED\])([^\s"'&,;}]+)"#,
                 "$1$2[REDACTED]", caseInsensitive: true),
        ]
        email = rule(#"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#, "[EMAIL]")
        longHex = rule(#"\b[0-9A-Fa-f]{32,}\b"#, "[REDACTED]")
        tokenCandidate = try! NSRegularExpression(pattern: #"[A-Za-z0-9+/_=-]{32,}"#)
        ipv4 = redactIPAddresses
            ? rule(#"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)"#, "[IP]")
            : nil
        var extras: [Rule] = []
        for pattern in extraPatterns {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { throw InvalidPattern(pattern: pattern) }
            extras.append(Rule(regex: regex, template: "[REDACTED]"))
        }
        extraRules = extras
    }

    /// `text` with every secret and piece of personal data the rules find replaced by a placeholder.
    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var text = text
        for rule in leadingRules { text = apply(rule, to: text) }
        text = apply(email, to: text)
        text = Self.redactCardNumbers(in: text)
        text = apply(longHex, to: text)
        text = redactOpaqueTokens(in: text)
        if let ipv4 { text = apply(ipv4, to: text) }
        for rule in extraRules { text = apply(rule, to: text) }
        return text
    }

    private func apply(_ rule: Rule, to text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        // Most strings match no rule: checking first avoids building a new string for them.
        guard rule.regex.firstMatch(in: text, range: range) != nil else { return text }
        return rule.regex.stringByReplacingMatches(in: text, range: range, withTemplate: rule.template)
    }

    /// Replaces base64/base64url-looking runs of 32+ characters that look random: they mix digits, upper
    /// and lower case, and the character class changes between at least 40% of neighbours. Random
    /// base64 changes class at ~65% of neighbours (a 32-character token falls under 40% about once in
    /// 500); CamelCase identifiers and paths such as `/api/v1/PaymentsServiceCheckoutHandler` stay near 30%.
    private func redactOpaqueTokens(in text: String) -> String {
        let matches = tokenCandidate.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty else { return text }
        var result = text
        for match in matches.reversed() {
            guard let range = Range(match.range, in: result), Self.looksRandom(result[range].utf8) else { continue }
            result.replaceSubrange(range, with: "[REDACTED]")
        }
        return result
    }

    static func looksRandom(_ candidate: Substring.UTF8View) -> Bool {
        // 0: digit, 1: upper, 2: lower, 3: symbol.
        func characterClass(_ byte: UInt8) -> Int {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): 0
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): 2
            default: 3
            }
        }
        var seen = [false, false, false, false]
        var changes = 0, pairs = 0
        var previous: Int?
        for byte in candidate {
            let current = characterClass(byte)
            seen[current] = true
            if let previous {
                pairs += 1
                if previous != current { changes += 1 }
            }
            previous = current
        }
        return seen[0] && seen[1] && seen[2] && pairs > 0 && Double(changes) >= 0.4 * Double(pairs)
    }

    /// Replaces Luhn-valid card numbers: runs of digit groups separated by single spaces or dashes, in
    /// which any stretch of whole groups holding 13 to 19 digits is checked.
    static func redactCardNumbers(in text: String) -> String {
        let bytes = Array(text.utf8)
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 }
        func isWordByte(_ index: Int) -> Bool {
            guard index >= 0, index < bytes.count else { return false }
            let byte = bytes[index]
            return isDigit(index) || (byte | 0x20 >= 97 && byte | 0x20 <= 122) || byte == UInt8(ascii: "_")
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            guard isDigit(index), !isWordByte(index - 1) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            // Collect the run of digit groups starting here.
            var groups: [Range<Int>] = []
            var cursor = index
            while true {
                let start = cursor
                while isDigit(cursor) { cursor += 1 }
                groups.append(start..<cursor)
                let separator = cursor < bytes.count && (bytes[cursor] == UInt8(ascii: " ") || bytes[cursor] == UInt8(ascii: "-"))
                guard separator, isDigit(cursor + 1) else { break }
                cursor += 1
            }
            let runEnd = groups.last!.upperBound
            // A run glued to letters (`abc1234...`, `...1234x`) is an identifier, not a card.
            let boundedRun = !isWordByte(runEnd)
            var position = 0
            var emitted = index
            while boundedRun && position < groups.count {
                var best: Int?
                var digits = 0
                for end in position..<groups.count {
                    digits += groups[end].count
                    if digits > 19 { break }
                    if digits >= 13 && luhn(groups[position...end].flatMap { bytes[$0] }) { best = end }
                }
                if let best {
                    output.append(contentsOf: bytes[emitted..<groups[position].lowerBound])
                    output.append(contentsOf: Array("[CARD]".utf8))
                    emitted = groups[best].upperBound
                    position = best + 1
                    changed = true
                } else {
                    position += 1
                }
            }
            output.append(contentsOf: bytes[emitted..<runEnd])
            index = runEnd
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// The Luhn checksum over ASCII digits.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, byte) in digits.reversed().enumerated() {
            var value = Int(byte - 48)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
