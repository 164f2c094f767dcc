import AnalyzerCore
import ServiceLog
import Testing
import W3CTraceContext

/// Builds the events of requests the way services write them, with full control over time and IDs.
struct RequestScript {
    var trace = TraceID.random()
    var correlationID = "req-1"
    var events: [Event] = []
    let base: Int64 = 1_800_000_000_000_000

    func id(_ span: SpanID?) -> SpanID? { span }

    mutating func server(
        _ service: String, _ endpoint: String, span: SpanID, parent: SpanID?, start: Int64, end: Int64?, status: Int = 200,
        correlation: Bool = true
    ) {
        events.append(Event(
            timestamp: Timestamp(microsecondsSinceEpoch: base + start), level: .info, service: service,
            payload: .requestStart(RequestStart(method: "GET", endpoint: endpoint)), eventID: "\(service)-start-\(span)",
            correlationID: correlation ? correlationID : nil, traceID: trace, spanID: span, parentSpanID: parent))
        if let end {
            events.append(Event(
                timestamp: Timestamp(microsecondsSinceEpoch: base + end), level: .info, service: service,
                payload: .requestEnd(RequestEnd(method: "GET", endpoint: endpoint, statusCode: status, durationMS: Double(end - start) / 1000, success: status < 500)),
                eventID: "\(service)-end-\(span)", correlationID: correlation ? correlationID : nil, traceID: trace, spanID: span, parentSpanID: parent))
        }
    }

    mutating func call(
        _ service: String, to target: String, span: SpanID, parent: SpanID, start: Int64, end: Int64, status: Int = 200,
        error: String? = nil, attempt: Int? = nil
    ) {
        events.append(Event(
            timestamp: Timestamp(microsecondsSinceEpoch: base + end), level: status == 0 || status >= 500 ? .warning : .info, service: service,
            payload: .serviceCall(ServiceCall(targetService: target, method: "GET", endpoint: "/\(target)", durationMS: Double(end - start) / 1000,
                                              statusCode: status, success: status > 0 && status < 500, error: error, attempt: attempt)),
            eventID: "\(service)-call-\(span)", correlationID: correlationID, traceID: trace, spanID: span, parentSpanID: parent))
    }

    mutating func log(_ service: String, span: SpanID, at time: Int64, _ message: String, error: Bool = false) {
        events.append(Event(
            timestamp: Timestamp(microsecondsSinceEpoch: base + time), level: error ? .error : .info, service: service,
            payload: error ? .error(ErrorDetails(errorType: "Boom")) : .log, message: message, eventID: "\(service)-log-\(time)",
            correlationID: correlationID, traceID: trace, spanID: span))
    }
}

@Suite struct SpanTreeBuilderTests {
    let gatewaySpan = SpanID.random(), callOrders = SpanID.random(), ordersSpan = SpanID.random()
    let callPayments1 = SpanID.random(), callPayments2 = SpanID.random()
    let payments1 = SpanID.random(), payments2 = SpanID.random()

    /// gateway → orders → payments, where the first payments attempt times out and the retry works.
    func checkout() -> RequestScript {
        var script = RequestScript()
        script.server("gateway", "/checkout", span: gatewaySpan, parent: nil, start: 0, end: 1_300_000)
        script.call("gateway", to: "orders", span: callOrders, parent: gatewaySpan, start: 5_000, end: 1_290_000)
        script.server("orders", "/orders", span: ordersSpan, parent: callOrders, start: 10_000, end: 1_280_000)
        script.call("orders", to: "payments", span: callPayments1, parent: ordersSpan, start: 20_000, end: 1_020_000, status: 0, error: "timeout", attempt: 1)
        script.server("payments", "/payments", span: payments1, parent: callPayments1, start: 25_000, end: 1_500_000, status: 500)
        script.call("orders", to: "payments", span: callPayments2, parent: ordersSpan, start: 1_100_000, end: 1_250_000, attempt: 2)
        script.server("payments", "/payments", span: payments2, parent: callPayments2, start: 1_110_000, end: 1_240_000)
        script.log("payments", span: payments1, at: 900_000, "pool exhausted", error: true)
        return script
    }

    @Test func rebuildsTheTreeWithRetriesAsSiblings() throws {
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: checkout().events.shuffled(), now: 0)
        #expect(trace.roots == [gatewaySpan.description])
        #expect(trace.spans.count == 7)
        let orders = try #require(trace.spans[ordersSpan.description])
        #expect(orders.children == [callPayments1.description, callPayments2.description])
        #expect(trace.spans[callPayments1.description]?.children == [payments1.description])
        #expect(trace.spans[callPayments1.description]?.errorKind == "timeout")
        #expect(trace.spans[callPayments2.description]?.attempt == 2)
        #expect(trace.spans[payments1.description]?.events.first?.message == "pool exhausted")
        #expect(trace.outcome.statusCode == 200)
        #expect(trace.services == ["gateway", "orders", "payments"].filter { trace.services.contains($0) })
        #expect(trace.flattened().map(\.depth) == [0, 1, 2, 3, 4, 3, 4])
    }

    @Test func correctsClockSkewSoTheCalleeFitsInsideItsCaller() throws {
        // payments1 ran on after the call that waited for it gave up at 1.02 s: that happened, it is
        // not skew, and it stays where its own clock put it.
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: checkout().events, now: 0)
        let callee = try #require(trace.spans[payments1.description])
        #expect(callee.skewCorrection == 0)
        let inTime = try #require(trace.spans[payments2.description])
        #expect(inTime.skewCorrection == 0)

        // A callee whose clock is 400 ms behind starts before the call that reached it: impossible on
        // one clock, so it is shifted inside its caller.
        var skewed = RequestScript()
        let root = SpanID.random(), call = SpanID.random(), served = SpanID.random()
        skewed.server("orders", "/orders", span: root, parent: nil, start: 0, end: 200_000)
        skewed.call("orders", to: "payments", span: call, parent: root, start: 10_000, end: 190_000)
        skewed.server("payments", "/payments", span: served, parent: call, start: 10_000 - 400_000, end: 180_000 - 400_000)
        let corrected = SpanTreeBuilder.build(correlationID: "req-1", events: skewed.events, now: 0)
        let callSpan = try #require(corrected.spans[call.description])
        let calleeSpan = try #require(corrected.spans[served.description])
        #expect(calleeSpan.skewCorrection != 0)
        #expect(calleeSpan.start >= callSpan.start)
        #expect(calleeSpan.end! <= callSpan.end!)
    }

    @Test func computesSelfTimeAndTheCriticalPath() throws {
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: checkout().events, now: 0)
        let orders = try #require(trace.spans[ordersSpan.description])
        // orders lasted 1270 ms; its calls covered 20→1020 and 1100→1250 ms: self = 1270 - 1000 - 150.
        #expect(orders.selfTime == 120_000)
        let critical = Set(trace.spans.values.filter(\.onCriticalPath).map(\.id))
        #expect(critical.isSuperset(of: [gatewaySpan.description, callOrders.description, ordersSpan.description, callPayments2.description, callPayments1.description]))
    }

    @Test func orphansHangUnderTheSpanThatContainsThem() throws {
        var script = checkout()
        // The orders → payments call event of attempt 2 was lost.
        script.events.removeAll { $0.eventID == "orders-call-\(callPayments2)" }
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: script.events, now: 0)
        let orphan = try #require(trace.spans[payments2.description])
        #expect(orphan.isOrphan)
        #expect(orphan.parentID == ordersSpan.description)
        #expect(trace.roots == [gatewaySpan.description])
    }

    @Test func requestsInFlightAreMarkedAndBoundedByNow() throws {
        var script = RequestScript()
        script.server("gateway", "/slow", span: gatewaySpan, parent: nil, start: 0, end: nil)
        script.call("gateway", to: "db", span: callOrders, parent: gatewaySpan, start: 1_000, end: 50_000)
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: script.events, now: script.base + 200_000)
        let root = try #require(trace.spans[gatewaySpan.description])
        #expect(root.inFlight)
        #expect(root.duration(now: script.base + 200_000) == 200_000)
        #expect(WaterfallRenderer().render(trace).contains("still in flight"))
    }

    @Test func survivesCyclesAndMissingSpanIDs() {
        var script = RequestScript()
        let a = SpanID.random(), b = SpanID.random()
        script.server("a", "/a", span: a, parent: b, start: 0, end: 10)
        script.server("b", "/b", span: b, parent: a, start: 1, end: 9)
        script.events.append(Event(timestamp: Timestamp(microsecondsSinceEpoch: script.base + 5), level: .info, service: "c",
                                   payload: .requestEnd(RequestEnd(method: "GET", endpoint: "/c", statusCode: 200, durationMS: 0.001, success: true)),
                                   correlationID: "req-1"))
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: script.events, now: 0)
        #expect(trace.spans.count == 3)
        #expect(trace.flattened().count == 3, "every span is reachable exactly once")
    }

    @Test func theWaterfallPutsTheVerdictFirstAndShowsErrorsInline() {
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: checkout().events, now: 0)
        let text = WaterfallRenderer(barWidth: 30).render(trace)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("Request req-1  gateway GET /checkout  OK 200 in 1300.0 ms"))
        #expect(text.contains("Deepest failure: payments answered 500"))
        #expect(text.contains("0 timeout"))
        #expect(text.contains("! Boom: pool exhausted"))
        #expect(text.contains("Time went to: gateway → orders → payments (2 attempts, timeout"), "\(text)")
    }

    /// The shop's story: a 3 s request that spent its time in two timed-out calls to pricing, whose
    /// own spans ran on (queued, then slow) after the caller gave up. The time is pricing's, and the
    /// long callee spans are not clock skew.
    @Test func timeSpentFollowsTheTimeoutsNotTheFastSibling() throws {
        var script = RequestScript()
        let root = SpanID.random(), toCatalog = SpanID.random(), catalog = SpanID.random()
        let toPricing1 = SpanID.random(), pricing1 = SpanID.random(), toPricing2 = SpanID.random(), pricing2 = SpanID.random()
        script.server("gateway", "/product", span: root, parent: nil, start: 0, end: 3_020_000, status: 502)
        script.call("gateway", to: "catalog", span: toCatalog, parent: root, start: 200, end: 12_800)
        script.server("catalog", "/products", span: catalog, parent: toCatalog, start: 2_200, end: 10_700)
        script.call("gateway", to: "pricing", span: toPricing1, parent: root, start: 12_900, end: 1_513_400, status: 0, error: "timeout", attempt: 1)
        script.server("pricing", "/prices", span: pricing1, parent: toPricing1, start: 800_000, end: 2_573_000)
        script.call("gateway", to: "pricing", span: toPricing2, parent: root, start: 1_517_100, end: 3_018_600, status: 0, error: "timeout", attempt: 2)
        script.server("pricing", "/prices", span: pricing2, parent: toPricing2, start: 1_900_000, end: 3_760_000)
        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: script.events, now: 0)
        let hops = trace.timeSpent()
        #expect(hops.map(\.service) == ["gateway", "pricing"])
        #expect(hops.last?.attempts == 2)
        #expect(hops.last?.errors == ["timeout", "timeout"])
        #expect(trace.spans[pricing1.description]?.skewCorrection == 0, "a callee that runs on after a timeout is not skewed")
        #expect(WaterfallRenderer().render(trace).contains("Time went to: gateway → pricing (2 attempts, all timeout, 3002.0 ms of 3020.0 ms)"))
    }

    @Test func logContentCannotInjectTerminalEscapes() {
        var script = checkout()
        script.log("payments", span: payments1, at: 950_000, "evil \u{1B}[2J\u{1B}[31mcleared\u{07}", error: true)
        let text = WaterfallRenderer().render(SpanTreeBuilder.build(correlationID: "req-1\u{1B}]0;owned\u{07}", events: script.events, now: 0))
        #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"))
        // Escaped visibly, not dropped: the reader sees what the log line held.
        #expect(text.contains(#"evil \e[2J\e[31mcleared\a"#))
        #expect(text.contains(#"Request req-1\e]0;owned\a"#))
    }

    @Test func theJSONReportCarriesEverySpan() throws {
        let report = TraceReport(SpanTreeBuilder.build(correlationID: "req-1", events: checkout().events, now: 0))
        #expect(report.spans.count == 7)
        #expect(report.durationMS == 1300)
        #expect(report.spans.first?.critical == true)
        #expect(report.spans.contains { $0.error == "timeout" && $0.attempt == 1 })
    }
}

@Suite struct ServiceGraphTests {
    @Test func countsEdgesWithErrorRatiosAndQuantiles() throws {
        var script = RequestScript()
        var events: [Event] = []
        for index in 0..<100 {
            script.events = []
            let server = SpanID.random()
            script.server("orders", "/o", span: server, parent: nil, start: Int64(index) * 10_000, end: Int64(index) * 10_000 + 5_000, status: index < 10 ? 502 : 200)
            script.call("orders", to: "payments", span: SpanID.random(), parent: server, start: Int64(index) * 10_000 + 100,
                        end: Int64(index) * 10_000 + 100 + Int64(index + 1) * 10, status: index < 10 ? 0 : 200, error: index < 10 ? "connection_refused" : nil)
            events += script.events
        }
        let graph = ServiceGraph.build(from: events)
        let edge = try #require(graph.edges.first)
        #expect(graph.edges.count == 1)
        #expect(edge.caller == "orders" && edge.callee == "payments")
        #expect(edge.calls == 100 && edge.errors == 10 && edge.errorRatio == 0.1)
        #expect(edge.errorKinds == ["connection_refused": 10])
        #expect(edge.p50MS == 0.5 && edge.p99MS == 0.99)
        #expect(edge.calleeSeen == false)
        let orders = try #require(graph.nodes.first { $0.service == "orders" })
        #expect(orders.requests == 100 && orders.errors == 10)
    }

    /// AsyncHTTPClient's spans (and most OpenTelemetry HTTP clients') name the callee only by address:
    /// where the callee's own span is there, it names the edge, in the trace, the graph and the analysis.
    @Test func aCallNamedByAddressTakesTheCalleesOwnName() throws {
        var script = RequestScript()
        let entry = SpanID.random(), call = SpanID.random(), callee = SpanID.random(), lost = SpanID.random()
        script.server("checkout", "/checkout", span: entry, parent: nil, start: 0, end: 40_000)
        script.call("checkout", to: "127.0.0.1", span: call, parent: entry, start: 1_000, end: 30_000, status: 500)
        script.server("inventory", "/stock", span: callee, parent: call, start: 2_000, end: 29_000, status: 500)
        // A call whose callee wrote nothing keeps the name it was given.
        script.call("checkout", to: "10.0.3.7", span: lost, parent: entry, start: 31_000, end: 39_000, status: 0, error: "timeout")

        let trace = SpanTreeBuilder.build(correlationID: "req-1", events: script.events, now: 0)
        #expect(trace.spans[call.description]?.targetService == "inventory")
        #expect(trace.spans[lost.description]?.targetService == "10.0.3.7")
        let graph = ServiceGraph.build(from: script.events)
        #expect(Set(graph.edges.map { "\($0.caller)->\($0.callee)" }) == ["checkout->inventory", "checkout->10.0.3.7"])
        let observations = Observations(events: script.events)
        #expect(Set(observations.calls.map(\.target)) == ["inventory", "10.0.3.7"])
    }

    @Test func quantilesUseNearestRank() {
        #expect(Quantile.of([], 0.5) == nil)
        #expect(Quantile.of([3, 1, 2], 0.5) == 2)
        #expect(Quantile.of(Array(1...100).map(Double.init), 0.99) == 99)
        #expect(Quantile.of([7], 0.99) == 7)
    }
}
