/// Decides which metadata keys hold secrets; their values are written as `"[REDACTED]"`.
///
/// A key is secret when it contains one of the words, ignoring ASCII case (`X-Api-Key`, `db_password`,
/// `authToken`). The check runs on every metadata key of every event, so it is a byte scan with no
/// allocation.
public struct Redaction: Sendable, Hashable {
    /// The replacement written instead of a secret value.
    public static let replacement = "[REDACTED]"

    /// The words looked for in keys, lowercase.
    public private(set) var words: [String]
    private var lowercasedWords: [[UInt8]]

    /// The default list: password, passwd, authorization, token, secret, api_key, apikey, api-key,
    /// card_number, cardnumber, cvv, cookie, private_key, credential.
    public static let defaultWords = [
        "password", "passwd", "authorization", "token", "secret", "api_key", "apikey", "api-key", "card_number",
        "cardnumber", "cvv", "cookie", "private_key", "credential",
    ]

    /// A redaction that matches `words` (case-insensitive substrings of keys).
    public init(words: [String] = Redaction.defaultWords) {
        self.words = words.map { $0.lowercased() }
        self.lowercasedWords = self.words.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Redacts nothing.
    public static let none = Redaction(words: [])

    /// Whether the key names a secret.
    public func isSecret(_ key: String) -> Bool {
        guard !lowercasedWords.isEmpty else { return false }
        if let result = key.utf8.withContiguousStorageIfAvailable({ matches(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(key.utf8).withUnsafeBytes { matches($0) }
    }

    private func matches(_ key: UnsafeRawBufferPointer) -> Bool {
        for word in lowercasedWords where word.count <= key.count {
            let first = word[0]
            var start = 0
            let last = key.count - word.count
            while start <= last {
                if lower(key[start]) == first {
                    var offset = 1
                    while offset < word.count, lower(key[start + offset]) == word[offset] { offset += 1 }
                    if offset == word.count { return true }
                }
                start += 1
            }
        }
        return false
    }

    @inline(__always)
    private func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }
}
