import ServiceLog

extension TemplateMiner {
    /// The templates of the messages written during an incident, most frequent first, each flagged
    /// ``ErrorTemplateCount/isNew`` when no message before the incident matched it.
    ///
    /// One miner learns the `before` messages first, then the `during` ones: a during-message that joins
    /// a template learned before is not new (even if it generalizes that template), one that starts a
    /// template is. Counts and examples cover the `during` messages only. Messages with an empty text are
    /// skipped.
    ///
    /// ```swift
    /// TemplateMiner.errorTemplates(before: baseline, during: incident, service: \.service, text: \.text)
    /// ```
    /// - Parameters:
    ///   - service: the service that wrote a message.
    ///   - text: the message text.
    public static func errorTemplates<Message>(
        before: some Sequence<Message>, during: some Sequence<Message>,
        service: (Message) -> String, text: (Message) -> String,
        configuration: Configuration = Configuration()
    ) -> [ErrorTemplateCount] {
        var miner = TemplateMiner(configuration: configuration)
        var seenBefore = Set<TemplateID>()
        for message in before {
            let body = text(message)
            guard !body.isEmpty else { continue }
            seenBefore.insert(miner.add(body, service: service(message)))
        }
        var counts: [TemplateID: (count: Int, example: String)] = [:]
        for message in during {
            let body = text(message)
            guard !body.isEmpty else { continue }
            let id = miner.add(body, service: service(message))
            counts[id, default: (0, String(body.prefix(configuration.maxExampleCharacters)))].count += 1
        }
        return counts.map { id, entry in
            let template = miner[id]
            return ErrorTemplateCount(
                service: template.service, template: template.template, count: entry.count, isNew: !seenBefore.contains(id),
                example: entry.example)
        }
        .sorted { ($1.count, $0.service, $0.template) < ($0.count, $1.service, $1.template) }
    }

    /// ``errorTemplates(before:during:service:text:configuration:)`` for events: each event's `message`
    /// under its `service` (events without a message are skipped). Choose the events to pass (for
    /// instance `error` events and `error`-level logs).
    public static func errorTemplates(
        before: some Sequence<Event>, during: some Sequence<Event>, configuration: Configuration = Configuration()
    ) -> [ErrorTemplateCount] {
        errorTemplates(
            before: before, during: during, service: { $0.service }, text: { $0.message ?? "" }, configuration: configuration)
    }
}
