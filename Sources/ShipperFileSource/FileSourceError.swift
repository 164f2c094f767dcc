/// Why a ``FileSource`` cannot be created: its configuration can never work.
public enum FileSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `include` is empty: there is nothing to tail.
    case noIncludePatterns
    /// A numeric setting is out of range.
    case invalidSetting(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .noIncludePatterns:
            "file source: no include patterns; list at least one path or glob pattern"
        case .invalidSetting(let name, let value, let reason):
            "file source: \(name) = \(value) \(reason)"
        }
    }
}
