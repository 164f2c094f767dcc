/// Attributes looked up by OpenTelemetry's semantic-convention names: the current name first, then
/// the names older SDKs and instrumentations still send.
///
/// Mutating, because a lookup may record which names were read: what the rules read becomes typed
/// fields and is not kept a second time as a free-form one.
public protocol ConventionAttributes {
    /// The first of `names` that holds a non-empty string (numbers and booleans as text).
    mutating func firstString(of names: [String]) -> String?
    /// The first of `names` that holds an integer (or a string of digits).
    mutating func firstInt(of names: [String]) -> Int64?
}

extension ConventionAttributes {
    /// The first of `names` that holds a non-empty string.
    public mutating func string(_ names: String...) -> String? { firstString(of: names) }
    /// The first of `names` that holds an integer.
    public mutating func int(_ names: String...) -> Int64? { firstInt(of: names) }
}
