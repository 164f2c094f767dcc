/// Size limits applied while encoding, so that one runaway value cannot produce a line nobody can ship.
public struct EncodingLimits: Sendable, Hashable {
    /// A string value longer than this (UTF-8 bytes) is cut and marked `…[truncated N bytes]`, and the
    /// field is named in `field_truncated`. Name-like fields have their own, smaller sizes (``FieldSize``).
    public var maxStringBytes: Int
    /// A line longer than this is re-encoded with strings cut to `fallbackStringBytes` and without
    /// free-form metadata, and marked with `"line_truncated": true`.
    public var maxLineBytes: Int
    /// The string limit used for the re-encoded, over-long line.
    public var fallbackStringBytes: Int
    /// Metadata nested deeper than this is written as `"[nested too deep]"` (and named in `field_truncated`).
    public var maxNesting: Int
    /// Name-like fields (`service`, IDs, `method`, field names, …) are cut at this many bytes instead of
    /// their own ``FieldSize``; `nil` (default) uses ``FieldSize``, `.max` never cuts them.
    public var maxNameBytes: Int?

    /// 32 KiB strings, 1 MiB lines (the shipper's default maximum line), 16 levels of nesting.
    public init(
        maxStringBytes: Int = 32 * 1024, maxLineBytes: Int = 1 << 20, fallbackStringBytes: Int = 4096, maxNesting: Int = 16,
        maxNameBytes: Int? = nil
    ) {
        self.maxStringBytes = maxStringBytes
        self.maxLineBytes = maxLineBytes
        self.fallbackStringBytes = fallbackStringBytes
        self.maxNesting = maxNesting
        self.maxNameBytes = maxNameBytes
    }

    /// Nothing cut that a decoder accepted: for re-encoding events that were already validated (the
    /// analyzer's store), so what is stored is what was acknowledged. Strings and lines are bounded by
    /// the decoder's line limit instead, names by its sizes (or not at all, for events that came another
    /// way); nesting by its depth limit (at most 63 levels below a field here).
    public static let lossless = EncodingLimits(
        maxStringBytes: .max, maxLineBytes: .max, fallbackStringBytes: 4096, maxNesting: 63, maxNameBytes: .max)
}
