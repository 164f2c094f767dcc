/// One template learned by a ``TemplateMiner``: a message shape of one service, with how many messages
/// it matched and one of them.
public struct LogTemplate: Sendable, Hashable {
    /// Its ID in the miner that learned it.
    public var id: TemplateID
    /// The service whose messages formed it, or ``TemplateMiner/otherServices`` past the service cap.
    public var service: String
    /// The message with its variable parts replaced by `<*>`, e.g.
    /// `connection to <*> timed out after <*> ms`; ``TemplateMiner/overflowTemplate`` for the overflow
    /// bucket.
    public var template: String
    /// Messages that matched it (all messages given to the miner, not just one window).
    public var count: Int
    /// The first message that matched it (cut to ``TemplateMiner/Configuration/maxExampleCharacters``).
    public var example: String
    /// Whether this is the bucket for messages that arrived after the template limit was reached.
    public var isOverflow: Bool

    /// A template from its parts (normally read from a ``TemplateMiner``).
    public init(id: TemplateID, service: String, template: String, count: Int, example: String, isOverflow: Bool) {
        self.id = id
        self.service = service
        self.template = template
        self.count = count
        self.example = example
        self.isOverflow = isOverflow
    }
}
