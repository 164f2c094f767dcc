import AnalyzerCore
import Foundation
import ServiceLog
import Testing

/// Systems whose spans carry no status (traces from a mesh, spans without attributes) fail only in
/// their logs. A low-traffic service that starts failing most of its requests with an error it never
/// wrote is the root cause as surely as a busy one writing hundreds of lines; a busy service writing
/// a handful of new errors among hundreds of requests is not.
@Suite struct NewErrorShareTests {
    /// Ten minutes of traffic: users call `gateway` twice a second; one request in twenty goes on to
    /// `contacts` (low traffic: one every 10 s), all of them to `orders` (busy). From minute 7,
    /// `failing` writes a new error in `share` of the requests it serves. No span records a status.
    static func events(failing: String, share: Double) throws -> [Event] {
        var lines: [String] = []
        var served: [String: Int] = [:]  // requests each callee has served so far
        let start = 1_750_000_000_000_000 as Int64
        func time(_ micros: Int64) -> String { Timestamp(microsecondsSinceEpoch: micros).description }
        for request in 0..<1_200 {
            let at = start + Int64(request) * 500_000
            let trace = String(format: "%032x", request + 1)
            let faulty = at >= start + 420_000_000
            var offset: Int64 = 1_000
            var callees = ["orders"]
            if request % 20 == 0 { callees.append("contacts") }
            for (index, callee) in callees.enumerated() {
                defer { served[callee, default: 0] += 1 }
                let span = String(format: "%016x", request * 10 + index + 2)
                let callSpan = String(format: "%016x", request * 10 + index + 6)
                let common = #""correlation_id":"\#(trace)","trace_id":"\#(trace)","status_recorded":false"#
                lines.append(#"{"timestamp":"\#(time(at + offset))","level":"info","service":"\#(callee)","event_type":"request_start","event_id":"s\#(span)","span_id":"\#(span)","parent_span_id":"\#(callSpan)","method":"GET","endpoint":"/\#(callee)",\#(common)}"#)
                if callee == failing, faulty, (served[callee, default: 0] * 7_919) % 100 < Int(share * 100) {
                    lines.append(#"{"timestamp":"\#(time(at + offset + 2_000))","level":"error","service":"\#(callee)","event_type":"error","event_id":"e\#(span)","span_id":"\#(span)","message":"[find][repository.findById][no \#(callee) entry for id \#(request)]","error_type":"c.s.Impl",\#(common)}"#)
                }
                lines.append(#"{"timestamp":"\#(time(at + offset + 4_000))","level":"info","service":"\#(callee)","event_type":"request_end","event_id":"n\#(span)","span_id":"\#(span)","parent_span_id":"\#(callSpan)","method":"GET","endpoint":"/\#(callee)","status_code":200,"duration_ms":4,"success":true,\#(common)}"#)
                lines.append(#"{"timestamp":"\#(time(at + offset + 4_500))","level":"info","service":"gateway","event_type":"service_call","event_id":"c\#(callSpan)","span_id":"\#(callSpan)","parent_span_id":"0000000000000001","target_service":"\#(callee)","method":"GET","endpoint":"/\#(callee)","status_code":200,"duration_ms":4.5,"success":true,\#(common)}"#)
                offset += 5_000
            }
            let root = #""correlation_id":"\#(trace)","trace_id":"\#(trace)","span_id":"0000000000000001","status_recorded":false"#
            lines.append(#"{"timestamp":"\#(time(at))","level":"info","service":"gateway","event_type":"request_start","event_id":"g\#(trace)","method":"GET","endpoint":"/",\#(root)}"#)
            lines.append(#"{"timestamp":"\#(time(at + offset))","level":"info","service":"gateway","event_type":"request_end","event_id":"h\#(trace)","method":"GET","endpoint":"/","status_code":200,"duration_ms":\#(Double(offset) / 1000),"success":true,\#(root)}"#)
        }
        return try lines.map { try Event(jsonLine: $0) }.sorted { $0.timestamp < $1.timestamp }
    }

    @Test func aLowTrafficServiceFailingMostOfItsRequestsIsNamed() throws {
        let incidents = IncidentAnalyzer().incidents(in: Observations(events: try Self.events(failing: "contacts", share: 0.9)))
        let incident = try #require(incidents.first, "no incident although contacts fails 9 in 10 of its requests from minute 7")
        #expect(incident.rootCause.service == "contacts")
        #expect(incident.rootCause.kind == .errors)
        let evidence = incident.candidates.first?.evidence.map(\.summary) ?? []
        #expect(evidence.contains { $0.contains("of its") && $0.contains("requests") }, "evidence: \(evidence)")
    }

    @Test func aFewNewErrorsAmongManyRequestsNameNobody() throws {
        // orders serves 360 requests after minute 7; 3% of them write the new error.
        let observations = Observations(events: try Self.events(failing: "orders", share: 0.03))
        let written = observations.errorMessages.filter { $0.service == "orders" }.count
        #expect(written >= 8, "the scenario must hold new errors (\(written)) for the test to mean anything")
        let incidents = IncidentAnalyzer().incidents(in: observations)
        for incident in incidents {
            #expect(incident.rootCause.service == nil || incident.rootCause.confidence < 0.5,
                    "\(incident.rootCause.service ?? "-") named with \(incident.rootCause.confidence) from a handful of errors")
        }
    }
}
