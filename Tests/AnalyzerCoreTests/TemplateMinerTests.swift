import AnalyzerCore
import ServiceLog
import Testing

@Suite struct TemplateMinerTests {
    // MARK: Grouping

    @Test func variantsOfOneMessageShareOneTemplate() {
        var miner = TemplateMiner()
        var ids = Set<TemplateID>()
        for i in 0..<500 {
            let host = "10.0.\(i % 7).\(i % 250)"
            let port = [5432, 6379, 8080][i % 3]
            ids.insert(miner.add("connection to \(host):\(port) timed out after \(1000 + i * 7) ms", service: "orders"))
        }
        #expect(ids.count == 1)
        let template = miner[ids.first!]
        #expect(template.template == "connection to <*> timed out after <*> ms")
        #expect(template.count == 500)
        #expect(template.example == "connection to 10.0.0.0:5432 timed out after 1000 ms")
        #expect(miner.templateCount == 1)
    }

    @Test func differentShapesGetDifferentTemplates() {
        var miner = TemplateMiner()
        let messages = [
            "connection to 10.0.0.5:5432 timed out after 3000 ms",
            "user u_48213 logged in from 203.0.113.24",
            "payment declined for order ord_9f2c1e: insufficient funds",
            "cache miss for key session",
            "NullPointer in handler /v1/orders",
        ]
        for round in 0..<3 {
            for message in messages { miner.add(message.replacingOccurrences(of: "3000", with: "\(3000 + round)"), service: "api") }
        }
        let templates = miner.templates()
        #expect(templates.count == messages.count)
        #expect(templates.allSatisfy { $0.count == 3 })
        #expect(Set(templates.map(\.template)) == [
            "connection to <*> timed out after <*> ms",
            "user <*> logged in from <*>",
            "payment declined for order <*>: insufficient funds",
            "cache miss for key session",
            "NullPointer in handler /v1/orders",
        ])
    }

    @Test func differingWordsBecomeWildcardsOnceSimilarEnough() {
        var miner = TemplateMiner()
        let first = miner.add("batch worker alpha finished all jobs", service: "jobs")
        let second = miner.add("batch worker beta finished all jobs", service: "jobs")
        #expect(first == second)
        #expect(miner[first].template == "batch worker <*> finished all jobs")
        // Same length and first tokens, but only two of six positions agree: a template of its own.
        let other = miner.add("batch worker gamma crashed during startup", service: "jobs")
        #expect(other != first)
        #expect(miner[other].template == "batch worker gamma crashed during startup")
    }

    @Test func theFirstTokensRouteLikeDrain() {
        // Drain routes by the first `prefixDepth` tokens: a variable word there (not caught by masking)
        // splits templates, which keeps `upstream payments ...` apart from `upstream fraud ...`.
        var miner = TemplateMiner()
        let payments = miner.add("upstream payments failed after 3 attempts", service: "orders")
        let fraud = miner.add("upstream fraud failed after 3 attempts", service: "orders")
        #expect(payments != fraud)
        var shallow = TemplateMiner(configuration: .init(prefixDepth: 1))
        let merged = shallow.add("upstream payments failed after 3 attempts", service: "orders")
        #expect(shallow.add("upstream fraud failed after 3 attempts", service: "orders") == merged)
        #expect(shallow[merged].template == "upstream <*> failed after <*> attempts")
    }

    @Test func obviousVariablesAreMaskedBeforeGrouping() {
        var miner = TemplateMiner()
        let id = miner.add(
            #"request 3fa85f64-5717-4562-b3fc-2c963f66afa6 from bob@example.com failed: file "/var/data/x 1.txt" missing at 0x7ffe0042"#,
            service: "files")
        #expect(miner[id].template == "request <*> from <*> failed: file <*> missing at <*>")
        let keyValues = miner.add("status=503 path=/orders/12345 trace=4bf92f3577b34da6a3ce929d0e0e4736 user=alice", service: "files")
        #expect(miner[keyValues].template == "status=<*> path=<*> trace=<*> user=alice")
        let again = miner.add("status=500 path=/orders/777 trace=00f067aa0ba902b7 user=bob", service: "files")
        #expect(again == keyValues)
        #expect(miner[keyValues].template == "status=<*> path=<*> trace=<*> user=<*>")
        let words = miner.add("can't reach v2 api over http2 (sha256 mismatch)", service: "files")
        #expect(miner[words].template == "can't reach v2 api over http2 (sha256 mismatch)")
    }

    @Test func matchDoesNotLearn() {
        var miner = TemplateMiner()
        let id = miner.add("disk /dev/sda1 is 91% full", service: "node")
        #expect(miner.match("disk /dev/sdb2 is 97% full", service: "node") == id)
        #expect(miner.match("disk /dev/sdb2 is 97% full", service: "other") == nil)
        #expect(miner.match("completely different message here", service: "node") == nil)
        #expect(miner[id].count == 1)
        #expect(miner.templateCount == 1)
    }

    // MARK: Scale and limits

    @Test func fortyThousandMessagesOfOneErrorAreOneLine() {
        var miner = TemplateMiner()
        for i in 0..<40_000 {
            miner.add("timed out waiting for connection from pool after \(500 + i % 300) ms (request req-\(i), pool db-\(i % 4))", service: "orders")
        }
        let templates = miner.templates()
        #expect(templates.count == 1)
        #expect(templates.first?.count == 40_000)
        #expect(templates.first?.template == "timed out waiting for connection from pool after <*> ms (request <*>, pool <*>)")
        #expect(miner.messageCount == 40_000)
    }

    @Test func templateLimitSendsTheRestToOverflow() {
        var miner = TemplateMiner(configuration: .init(maxTemplates: 10))
        // 100 shapes: each token count is its own leaf, so each message would be its own template.
        for length in 1...100 {
            miner.add(Array(repeating: "tick", count: length).joined(separator: " "), service: "clock")
        }
        let templates = miner.templates()
        #expect(templates.count == 11)
        let overflow = templates.filter(\.isOverflow)
        #expect(overflow.count == 1)
        #expect(overflow.first?.count == 90)
        #expect(overflow.first?.template == TemplateMiner.overflowTemplate)
        #expect(templates.filter { !$0.isOverflow }.allSatisfy { $0.count == 1 })
        // Known shapes keep matching their templates after the limit.
        let known = miner.add("tick tick", service: "clock")
        #expect(!miner[known].isOverflow)
    }

    @Test func fullLeafMakesMessagesJoinTheClosestTemplate() {
        var miner = TemplateMiner(configuration: .init(maxGroupsPerLeaf: 3))
        let words = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"]
        // Same length and first two tokens (one leaf), nothing else in common: eight shapes.
        for word in words { miner.add("paint job \(word) \(word)ish \(word)ness \(word)ly", service: "painter") }
        #expect(miner.templateCount == 3)
        #expect(miner.messageCount == words.count)
        #expect(miner.templates().map(\.count).sorted() == [1, 1, 6])
    }

    @Test func serviceLimitSharesOneBucket() {
        var miner = TemplateMiner(configuration: .init(maxServices: 2))
        miner.add("started", service: "a")
        miner.add("started", service: "b")
        let third = miner.add("started", service: "c")
        #expect(miner[third].service == TemplateMiner.otherServices)
        #expect(Set(miner.templates().map(\.service)) == ["a", "b", TemplateMiner.otherServices])
    }

    @Test func hugeMessagesAreCappedInTokensAndExample() {
        var miner = TemplateMiner(configuration: .init(maxTokens: 8, maxExampleCharacters: 20))
        let words = (0..<1000).map { "word\(Character(UnicodeScalar(97 + $0 % 26)!))" }
        let id = miner.add(words.joined(separator: " "), service: "big")
        #expect(miner[id].template == "worda wordb wordc wordd worde wordf wordg <*>")
        #expect(miner[id].example.count == 20)
    }

    // MARK: Services

    @Test func servicesAreMinedSeparately() {
        var miner = TemplateMiner()
        let orders = miner.add("connection to 10.0.0.5:5432 timed out after 3000 ms", service: "orders")
        let payments = miner.add("connection to 10.0.0.9:5432 timed out after 1000 ms", service: "payments")
        miner.add("connection to 10.0.0.6:5432 timed out after 2000 ms", service: "orders")
        #expect(orders != payments)
        #expect(miner[orders].count == 2)
        #expect(miner[payments].count == 1)
        #expect(miner.templates(service: "payments").map(\.id) == [payments])
        #expect(miner[orders].template == miner[payments].template)
    }

    // MARK: Incident summary

    @Test func duringTemplatesAreCountedAndNewOnesFlagged() {
        struct Line { var service: String; var text: String }
        var before: [Line] = []
        for i in 0..<200 {
            before.append(Line(service: "orders", text: "connection to 10.0.0.\(i % 9):5432 timed out after \(900 + i) ms"))
            before.append(Line(service: "payments", text: "card declined for order ord_\(String(i * 7919, radix: 16)) (code 05)"))
        }
        var during: [Line] = []
        for i in 0..<300 {
            during.append(Line(service: "orders", text: "NullPointer in handler /v1/orders: 'customer' was nil for ord_\(String(i * 104_729, radix: 16))a1"))
        }
        for i in 0..<50 {
            during.append(Line(service: "orders", text: "connection to 10.0.1.\(i):5432 timed out after \(1000 + i) ms"))
        }
        // The same shape in another service than before is new there.
        during.append(Line(service: "ledger", text: "connection to 10.0.2.1:5432 timed out after 1000 ms"))
        during.append(Line(service: "orders", text: ""))

        let summary = TemplateMiner.errorTemplates(before: before, during: during, service: \.service, text: \.text)
        #expect(summary.count == 3)
        #expect(summary[0] == ErrorTemplateCount(
            service: "orders", template: "NullPointer in handler /v1/orders: <*> was nil for <*>", count: 300, isNew: true,
            example: "NullPointer in handler /v1/orders: 'customer' was nil for ord_0a1"))
        #expect(summary[1].service == "orders" && summary[1].count == 50 && !summary[1].isNew)
        #expect(summary[1].template == "connection to <*> timed out after <*> ms")
        #expect(summary[1].example == "connection to 10.0.1.0:5432 timed out after 1000 ms")
        #expect(summary[2].service == "ledger" && summary[2].count == 1 && summary[2].isNew)
    }

    @Test func eventOverloadUsesMessagesOfEvents() {
        func event(_ service: String, _ message: String?) -> Event {
            Event(
                timestamp: Timestamp(microsecondsSinceEpoch: 0), level: .error, service: service,
                payload: message == nil ? .log : .error(ErrorDetails(errorType: "E")), message: message)
        }
        let summary = TemplateMiner.errorTemplates(
            before: [event("a", "old failure 1")], during: [event("a", "old failure 2"), event("a", "brand new failure"), event("a", nil)])
        #expect(summary.map(\.isNew) == [false, true] || summary.map(\.isNew) == [true, false])
        #expect(summary.map(\.count) == [1, 1])
        #expect(summary.first { !$0.isNew }?.template == "old failure <*>")
    }
}
