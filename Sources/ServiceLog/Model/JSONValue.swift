/// A JSON value: the type of free-form attributes (swift-log metadata, unknown fields of a parsed line).
///
/// Integers and doubles are kept apart so that `"attempt": 2` round-trips as `2`, not `2.0`.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The number as an `Int`, if this is an integer (or a double with no fractional part).
    public var intValue: Int? {
        switch self {
        case .int(let value): Int(exactly: value)
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The strings of an array that holds only strings (`field_truncated`), else `nil`.
    var fieldNames: [String]? {
        guard case .array(let items) = self else { return nil }
        var names: [String] = []
        names.reserveCapacity(items.count)
        for item in items {
            guard case .string(let name) = item else { return nil }
            names.append(name)
        }
        return names
    }
}
