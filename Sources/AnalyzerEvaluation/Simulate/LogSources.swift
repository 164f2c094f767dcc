/// Every service's logger names, worked out once: the voices build them from the service's name
/// (with string replacements), and the hot paths write one per event.
struct LogSources {
    let http: [String]
    let handlers: [String]
    let clients: [String]
    /// Per caller and callee (service indices): the logger of that client's calls.
    let calls: [[String]]

    init(services: [Topology.Service], voices: [any ServiceVoice]) {
        let names = services.map(\.name)
        http = services.indices.map { voices[$0].source(.http, service: names[$0], target: nil) }
        handlers = services.indices.map { voices[$0].source(.handlers, service: names[$0], target: nil) }
        clients = services.indices.map { voices[$0].source(.clients, service: names[$0], target: nil) }
        calls = services.indices.map { caller in names.map { voices[caller].source(.clients, service: names[caller], target: $0) } }
    }
}
