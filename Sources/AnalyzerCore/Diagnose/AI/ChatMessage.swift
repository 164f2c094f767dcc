/// One message of a chat-completions conversation, as sent on the wire (`{"role": ..., "content": ...}`).
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who speaks: `system` sets the rules, `user` asks, `assistant` is the model's earlier answer.
    public enum Role: String, Sendable, Hashable, Codable {
        case system
        case user
        case assistant
    }

    /// Who speaks.
    public var role: Role
    /// The text, sent as is (redaction happens before a message is built).
    public var content: String

    /// A message from `role`.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
