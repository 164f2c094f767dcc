import Logging

/// One typed field of an event (`region: "eu-west-1"`, `cart_items: 3`), encoded straight into the line:
/// no `Logger.Metadata` dictionary to build and hash, no existential to cast.
///
/// ```swift
/// logger.event(.requestStart(RequestStart(method: "POST", endpoint: "/v1/orders")),
///              fields: .string("region", "eu-west-1"), .int("cart_items", 3))
/// ```
///
/// A field is written exactly as the metadata value of the same type would be: strings quoted, escaped
/// and cut at ``EncodingLimits/maxStringBytes`` (and named in `field_truncated`), numbers and booleans as
/// JSON numbers and booleans, the value of a secret key (see ``Redaction``) as `"[REDACTED]"`, and a key
/// that is a reserved field name under `metadata.<key>`.
public struct LogField: Sendable, Hashable {
    /// The field's name.
    public var key: String
    /// The field's value.
    public var value: Value

    /// A field value: one of the JSON scalars.
    public enum Value: Sendable, Hashable {
        /// A JSON string.
        case string(String)
        /// A JSON integer.
        case int(Int)
        /// A JSON number (`null` when not finite, as for metadata).
        case double(Double)
        /// `true` or `false`.
        case bool(Bool)
    }

    /// A field named `key` holding `value`.
    @inlinable
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    /// A string field.
    @inlinable
    public static func string(_ key: String, _ value: String) -> LogField { LogField(key, .string(value)) }

    /// An integer field.
    @inlinable
    public static func int(_ key: String, _ value: Int) -> LogField { LogField(key, .int(value)) }

    /// A floating-point field.
    @inlinable
    public static func double(_ key: String, _ value: Double) -> LogField { LogField(key, .double(value)) }

    /// A boolean field.
    @inlinable
    public static func bool(_ key: String, _ value: Bool) -> LogField { LogField(key, .bool(value)) }

    /// The same value as swift-log metadata, which ``ServiceLogHandler`` writes identically: what the
    /// field travels as through a handler that is not ServiceLog's.
    public var metadataValue: Logger.MetadataValue {
        switch value {
        case .string(let text): .string(text)
        case .int(let number): .stringConvertible(number)
        case .double(let number): .stringConvertible(number)
        case .bool(let flag): .stringConvertible(flag)
        }
    }
}
