#if canImport(Glibc)
import Glibc
#endif

/// Why a ``JournalSource`` could not be created: the journal could not be opened or a match is invalid.
public struct JournalSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed, why (the `errno` text) and what to do about it.
    public var message: String
    /// The negative `errno` libsystemd returned.
    public var code: Int32

    /// Creates an error.
    public init(message: String, code: Int32) {
        self.message = message
        self.code = code
    }

    /// The ``message``.
    public var description: String { message }

    /// The text of a negative `errno` as returned by `sd_journal_*`.
    static func text(_ code: Int32) -> String {
        String(cString: strerror(code < 0 ? -code : code))
    }
}
