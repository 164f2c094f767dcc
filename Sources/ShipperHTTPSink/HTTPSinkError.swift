/// Why an `HTTPSink` could not be created: an unusable configuration (the message names the value and
/// the fix) or a libcurl that refused to set up.
public struct HTTPSinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and how to fix it, for the operator.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
