import Foundation

/// Client errors (4xx) are the service doing its job: rate limiting abusive clients, refusing bad
/// credentials, answering for resources that do not exist. A rise is worth telling the on-call
/// engineer ("rate limiting rose at gateway") but never blames the service that answered, and never
/// opens an incident on its own.
enum ClientErrorNotes {
    static func notes(in context: RankingContext) -> [ClientErrorSignal] {
        var result: [ClientErrorSignal] = []
        for service in context.during.services.keys.sorted() {
            let before = context.before[service]
            let during = context.during[service]
            guard during.spans >= 10 else { continue }
            for errorClass in ClientErrorClass.allCases {
                let now = during.clientErrors[errorClass] ?? 0
                let then = before.clientErrors[errorClass] ?? 0
                let nowRatio = Double(now) / Double(during.spans)
                let thenRatio = before.spans == 0 ? 0 : Double(then) / Double(before.spans)
                guard now >= 10, nowRatio >= 2 * thenRatio + 0.03 else { continue }
                result.append(ClientErrorSignal(
                    service: service, errorClass: errorClass, before: thenRatio, during: nowRatio, count: now,
                    summary: "\(errorClass.phrase) rose at \(service): \(percent(nowRatio)) of its requests, \(percent(thenRatio)) before (client errors: not a fault of \(service))"))
            }
        }
        return result
    }
}
