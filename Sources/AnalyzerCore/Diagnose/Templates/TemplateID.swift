/// Identifies one template of a ``TemplateMiner``. Stable for the miner's lifetime: a template keeps its
/// ID while later messages generalize its text.
public struct TemplateID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The template's index in creation order (0 is the first template the miner created).
    public let rawValue: Int

    /// Wraps an index; only meaningful for the miner that handed it out.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Creation order.
    public static func < (lhs: TemplateID, rhs: TemplateID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `T42`.
    public var description: String { "T\(rawValue)" }
}
