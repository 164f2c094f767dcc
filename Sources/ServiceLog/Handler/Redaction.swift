import Synchronization

/// Decides which metadata keys hold secrets; their values are written as `"[REDACTED]"`.
///
/// A key is secret when it contains one of the words, ignoring ASCII case and the separators `_` and
/// `-` (so `api_key`, `X-Api-Key`, `apiKey`, `db_password`, `authToken`, `card-number` all match).
/// ``isSecret(_:)`` is a byte scan with no allocation; ``ServiceLogHandler`` runs it once per distinct key
/// and remembers the verdict (in its writer), so an event pays a lookup, not a scan.
public struct Redaction: Sendable, Hashable {
    /// The replacement written instead of a secret value.
    public static let replacement = "[REDACTED]"

    /// The words looked for in keys, lowercase.
    public private(set) var words: [String]
    private var lowercasedWords: [[UInt8]]
    /// Identifies this list for caches of verdicts (unique per `init`; not part of equality).
    let cacheID: UInt64
    private static let nextCacheID = Atomic<UInt64>(0)

    /// The default list: password, passwd, passphrase, authorization, token, secret, api_key,
    /// card_number, cvv, cookie, private_key, credential, session_id (separators and case ignored).
    public static let defaultWords = [
        "password", "passwd", "passphrase", "authorization", "token", "secret", "api_key", "card_number", "cvv", "cookie",
        "private_key", "credential", "session_id",
    ]

    /// A redaction that matches `words` (case-insensitive substrings of keys).
    public init(words: [String] = Redaction.defaultWords) {
        self.words = words.map { $0.lowercased() }
        self.lowercasedWords = self.words.map { Array($0.utf8).filter { !Redaction.isSeparator($0) } }.filter { !$0.isEmpty }
        self.cacheID = Self.nextCacheID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Two redactions are equal when they look for the same words.
    public static func == (lhs: Redaction, rhs: Redaction) -> Bool { lhs.words == rhs.words }

    /// Hashes the words (what equality compares).
    public func hash(into hasher: inout Hasher) { hasher.combine(words) }

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
            for start in 0..<key.count where lower(key[start]) == first {
                var position = start + 1
                var matched = 1
                while matched < word.count, position < key.count {
                    let byte = key[position]
                    position += 1
                    if Redaction.isSeparator(byte) { continue }
                    guard lower(byte) == word[matched] else { break }
                    matched += 1
                }
                if matched == word.count { return true }
            }
        }
        return false
    }

    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") }

    @inline(__always)
    private func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }
}
