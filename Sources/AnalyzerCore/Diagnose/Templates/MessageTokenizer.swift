/// Splits a log message into the tokens the template miner compares, replacing the obviously variable
/// ones by ``MessageTokenizer/wildcard`` before any comparison.
///
/// Drain groups messages by token count and first tokens, so the tokens must be stable for messages of
/// one shape: masking numbers, IDs, addresses and quoted values up front keeps
/// `connection to 10.0.0.5:5432 timed out after 3000 ms` and `connection to 10.0.0.7:5432 timed out
/// after 1000 ms` in the same leaf with identical tokens. Splitting `key=value` and `key: value` at the
/// separator lets the key stay while the value varies.
///
/// Works on UTF-8 bytes without regular expressions: it runs once per message on the hot path.
enum MessageTokenizer {
    /// The token that stands for a variable part.
    static let wildcard = "<*>"

    /// A message as tokens, with whether each token had whitespace before it (to render a template
    /// the way the messages looked: `status=<*>` rather than `status = <*>`).
    struct Tokens: Sendable, Hashable {
        var tokens: [String] = []
        var spaceBefore: [Bool] = []
    }

    /// Tokenizes `message`, keeping at most `maxTokens` tokens: the rest collapses into one final
    /// wildcard, so a huge message costs no more than a long one.
    static func tokenize(_ message: String, maxTokens: Int) -> Tokens {
        var result = Tokens()
        let limit = max(1, maxTokens)
        var text = message
        text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes, limit: limit)
            scanner.run(into: &result)
        }
        if result.tokens.count > limit {
            // The last slot stands for everything that does not fit.
            result.tokens.removeLast(result.tokens.count - limit + 1)
            result.spaceBefore.removeLast(result.spaceBefore.count - limit + 1)
            result.tokens.append(MessageTokenizer.wildcard)
            result.spaceBefore.append(true)
        }
        return result
    }

    // MARK: Scanning

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let limit: Int
        var truncated = false

        init(bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
            self.bytes = bytes
            self.limit = limit
        }

        mutating func run(into result: inout Tokens) {
            var index = 0
            var spaceBefore = false
            let count = bytes.count
            while index < count, !truncated {
                if isSpace(bytes[index]) {
                    spaceBefore = true
                    index += 1
                    continue
                }
                // A word runs to the next whitespace, except that a quoted value opened at the word's
                // start or after `=`/`:`/`(` may contain whitespace (`msg="no such file"`).
                var end = index
                while end < count, !isSpace(bytes[end]) {
                    if isQuote(bytes[end]), end == index || opensQuote(bytes[end - 1]), let close = closingQuote(from: end) {
                        end = close + 1
                    } else {
                        end += 1
                    }
                }
                emitWord(index..<end, spaceBefore: spaceBefore && !result.tokens.isEmpty, into: &result)
                spaceBefore = false
                index = end
            }
        }

        /// The index of the quote closing the one at `open`: the same quote character followed by the
        /// end, whitespace or punctuation, within 512 bytes. An apostrophe inside a word (`can't`) has no
        /// closing partner of that kind and stays text.
        func closingQuote(from open: Int) -> Int? {
            let quote = bytes[open]
            var index = open + 1
            let end = min(bytes.count, open + 512)
            while index < end {
                if bytes[index] == quote {
                    let next = index + 1
                    if next == bytes.count || isSpace(bytes[next]) || isClosingPunctuation(bytes[next]) {
                        return index
                    }
                }
                index += 1
            }
            return nil
        }

        /// Emits one whitespace-delimited word: leading and trailing punctuation runs as their own
        /// tokens, the core either masked whole or split at `=` and `:`.
        mutating func emitWord(_ range: Range<Int>, spaceBefore: Bool, into result: inout Tokens) {
            var start = range.lowerBound
            var end = range.upperBound
            var glue = spaceBefore
            var leading = start
            while leading < end, isOpeningPunctuation(bytes[leading]) { leading += 1 }
            if leading > start {
                append(start..<leading, glue: glue, into: &result)
                glue = false
                start = leading
            }
            var trailing = end
            // A closing quote is part of a quoted value, not trailing punctuation.
            while trailing > start, isClosingPunctuation(bytes[trailing - 1]), !isQuote(bytes[trailing - 1]) { trailing -= 1 }
            let trailingRange = trailing..<end
            end = trailing
            if start < end {
                emitCore(start..<end, glue: glue, into: &result)
                glue = false
            }
            if !trailingRange.isEmpty { append(trailingRange, glue: glue, into: &result) }
        }

        /// Emits the core of a word: `key=value` pairs split at `=` first (so the key survives even when
        /// the value is a path or an address), then each part masked whole or split at `:`.
        mutating func emitCore(_ range: Range<Int>, glue: Bool, into result: inout Tokens) {
            var glue = glue
            for part in split(range, at: UInt8(ascii: "=")) {
                if part.isSeparator {
                    append(part.range, glue: glue, into: &result)
                } else if isQuoted(part.range) || isVariable(part.range) {
                    appendWildcard(glue: glue, into: &result)
                } else {
                    for piece in split(part.range, at: UInt8(ascii: ":")) {
                        if piece.isSeparator || !(isQuoted(piece.range) || isVariable(piece.range)) {
                            append(piece.range, glue: glue, into: &result)
                        } else {
                            appendWildcard(glue: glue, into: &result)
                        }
                        glue = false
                    }
                }
                glue = false
            }
        }

        /// Splits `range` at runs of `separator`, keeping the runs as separator parts and never splitting
        /// inside a quoted value that starts a part.
        func split(_ range: Range<Int>, at separator: UInt8) -> [(range: Range<Int>, isSeparator: Bool)] {
            var parts: [(range: Range<Int>, isSeparator: Bool)] = []
            var partStart = range.lowerBound
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = bytes[index]
                if isQuote(byte), index == partStart, let close = closingQuote(from: index), close < range.upperBound {
                    index = close + 1
                    continue
                }
                if byte == separator {
                    if partStart < index { parts.append((partStart..<index, false)) }
                    var runEnd = index + 1
                    while runEnd < range.upperBound, bytes[runEnd] == separator { runEnd += 1 }
                    parts.append((index..<runEnd, true))
                    index = runEnd
                    partStart = index
                    continue
                }
                index += 1
            }
            if partStart < range.upperBound { parts.append((partStart..<range.upperBound, false)) }
            return parts
        }

        /// A value in matching quotes: `"no such file"`, `'db'`.
        func isQuoted(_ range: Range<Int>) -> Bool {
            range.count >= 2 && isQuote(bytes[range.lowerBound]) && bytes[range.upperBound - 1] == bytes[range.lowerBound]
        }

        mutating func append(_ range: Range<Int>, glue: Bool, into result: inout Tokens) {
            appendToken(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self), glue: glue, into: &result)
        }

        mutating func appendWildcard(glue: Bool, into result: inout Tokens) {
            appendToken(MessageTokenizer.wildcard, glue: glue, into: &result)
        }

        /// Appends up to one token past the limit, so ``tokenize(_:maxTokens:)`` can tell a message that
        /// fits exactly from one that does not, then stops the scan.
        mutating func appendToken(_ token: String, glue: Bool, into result: inout Tokens) {
            guard !truncated else { return }
            result.tokens.append(token)
            result.spaceBefore.append(glue)
            if result.tokens.count > limit { truncated = true }
        }

        // MARK: Variable detection

        /// Whether a piece of a word is obviously a variable: a number (with a short unit), an IP
        /// address, date or time, a hex or UUID-like ID, an e-mail address, a path or URL with IDs in
        /// it, or a token too long to be a word.
        func isVariable(_ range: Range<Int>) -> Bool {
            let length = range.count
            guard length > 0 else { return false }
            if length > 64 { return true }
            var digits = 0
            var hasAt = false
            var hasSlash = false
            for index in range {
                let byte = bytes[index]
                if isDigit(byte) { digits += 1 }
                if byte == UInt8(ascii: "@") { hasAt = true }
                if byte == UInt8(ascii: "/") { hasSlash = true }
            }
            if hasAt && isEmail(range) { return true }
            guard digits > 0 else { return false }
            if isNumberWithUnit(range) { return true }
            if isNumericPunctuation(range) { return true }
            if isHexLiteral(range) { return true }
            if isColonHex(range) { return true }
            if hasSlash { return pathHasVariableSegment(range) }
            return isIDLike(range)
        }

        /// `3000`, `-1.5`, `2.0.1`, `3000ms`, `12.5s`, `64MB`, `99%`, `1e-3`.
        func isNumberWithUnit(_ range: Range<Int>) -> Bool {
            var index = range.lowerBound
            if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
            let numberStart = index
            while index < range.upperBound, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
            guard index > numberStart, isDigit(bytes[numberStart]) else { return false }
            if index < range.upperBound, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                var exponent = index + 1
                if exponent < range.upperBound, bytes[exponent] == UInt8(ascii: "-") || bytes[exponent] == UInt8(ascii: "+") { exponent += 1 }
                let digitsStart = exponent
                while exponent < range.upperBound, isDigit(bytes[exponent]) { exponent += 1 }
                if exponent > digitsStart { index = exponent }
            }
            let unit = range.upperBound - index
            if unit == 0 { return true }
            if unit == 1, bytes[index] == UInt8(ascii: "%") { return true }
            guard unit <= 3 else { return false }
            for i in index..<range.upperBound where !isLetter(bytes[i]) { return false }
            return true
        }

        /// Digits with only `. : / - _ , +` between them: IPv4 with port or CIDR, dates, times, ranges.
        func isNumericPunctuation(_ range: Range<Int>) -> Bool {
            for index in range {
                let byte = bytes[index]
                guard isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/")
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "+")
                else { return false }
            }
            return true
        }

        /// `0x7f3a`.
        func isHexLiteral(_ range: Range<Int>) -> Bool {
            guard range.count > 2, bytes[range.lowerBound] == UInt8(ascii: "0"),
                bytes[range.lowerBound + 1] == UInt8(ascii: "x") || bytes[range.lowerBound + 1] == UInt8(ascii: "X")
            else { return false }
            for index in (range.lowerBound + 2)..<range.upperBound where !isHex(bytes[index]) { return false }
            return true
        }

        /// IPv6 addresses and MAC addresses: hex groups joined by at least two colons.
        func isColonHex(_ range: Range<Int>) -> Bool {
            var colons = 0
            for index in range {
                let byte = bytes[index]
                if byte == UInt8(ascii: ":") { colons += 1 } else if !isHex(byte) && byte != UInt8(ascii: ".") { return false }
            }
            return colons >= 2
        }

        /// `alice@example.com`: something, `@`, and a domain with a dot.
        func isEmail(_ range: Range<Int>) -> Bool {
            var at: Int?
            for index in range {
                let byte = bytes[index]
                if byte == UInt8(ascii: "@") {
                    guard at == nil else { return false }
                    at = index
                } else if !(isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+") || byte >= 0x80)
                {
                    return false
                }
            }
            guard let at, at > range.lowerBound, at + 1 < range.upperBound else { return false }
            for index in (at + 1)..<range.upperBound where bytes[index] == UInt8(ascii: ".") { return true }
            return false
        }

        /// A path or URL is variable when one of its segments is (`/orders/12345`, `/tmp/up-8f3a2c.tmp`,
        /// `http://10.0.0.5:8080/`), but not for a version segment like `/v1/checkout`.
        func pathHasVariableSegment(_ range: Range<Int>) -> Bool {
            var segmentStart = range.lowerBound
            for index in range.lowerBound...range.upperBound {
                if index == range.upperBound || bytes[index] == UInt8(ascii: "/") {
                    let segment = segmentStart..<index
                    if segment.count > 0, segmentIsVariable(segment) { return true }
                    segmentStart = index + 1
                }
            }
            return false
        }

        func segmentIsVariable(_ range: Range<Int>) -> Bool {
            var run = 0
            for index in range {
                if isDigit(bytes[index]) {
                    run += 1
                    if run >= 2 { return true }
                } else {
                    run = 0
                }
            }
            return isIDLike(range)
        }

        /// Identifiers: a word of letters, digits and `_ - .` in which one part (split at those
        /// separators) is all digits (2+) or all hex with a digit (6+): `u_48213`, `ord_9f2c1e`,
        /// `gateway-5d8f7c9b6-x2kqp`, UUIDs, trace IDs. Leaves `v2`, `http2`, `sha256`, `utf-8` alone.
        func isIDLike(_ range: Range<Int>) -> Bool {
            var partStart = range.lowerBound
            for index in range.lowerBound...range.upperBound {
                let atEnd = index == range.upperBound
                let byte: UInt8 = atEnd ? 0 : bytes[index]
                if atEnd || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") {
                    if partIsID(partStart..<index) { return true }
                    partStart = index + 1
                } else if !(isLetter(byte) || isDigit(byte)) {
                    return false
                }
            }
            return false
        }

        func partIsID(_ range: Range<Int>) -> Bool {
            guard range.count >= 2 else { return false }
            var allDigits = true
            var allHex = true
            var hasDigit = false
            for index in range {
                let byte = bytes[index]
                if isDigit(byte) { hasDigit = true } else { allDigits = false }
                if !isHex(byte) { allHex = false }
            }
            return allDigits || (allHex && hasDigit && range.count >= 6)
        }

        // MARK: Byte classes

        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }
        func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") }
        func opensQuote(_ previous: UInt8) -> Bool {
            previous == UInt8(ascii: "=") || previous == UInt8(ascii: ":") || previous == UInt8(ascii: "(")
                || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ",")
        }
        func isOpeningPunctuation(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{")
        }
        func isClosingPunctuation(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
                || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!")
                || byte == UInt8(ascii: "?") || isQuote(byte)
        }
    }
}
