import Foundation
import Logging
@testable import ServiceLog
import Testing

/// Sizes and value ranges checked once, by the shared decoder: values no producer writes (and that overflow
/// arithmetic downstream, as `"duration_ms":1e300` did in the analyzer) are rejected with a reason naming
/// the field; values at the bounds pass; reading back stored lines (`.stored`) checks nothing.
@Suite struct FieldLimitsTests {
    static let head = #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"orders","#

    static func call(duration: String = "12.5", status: String = "200", attempt: String = "1") -> String {
        head + #""event_type":"service_call","correlation_id":"c1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","#
            + #""span_id":"00f067aa0ba902b7","target_service":"payments","method":"POST","endpoint":"/charge","#
            + #""duration_ms":\#(duration),"status_code":\#(status),"success":true,"attempt":\#(attempt)}"#
    }

    static func requestEnd(duration: String) -> String {
        head + #""event_type":"request_end","method":"GET","endpoint":"/x","status_code":200,"duration_ms":\#(duration),"success":true}"#
    }

    static func resource(_ fields: String) -> String {
        head + #""event_type":"resource",\#(fields)}"#
    }

    static func log(timestamp: String = "2026-11-24T10:15:02.123456Z", _ extra: String = "") -> String {
        #"{"timestamp":"\#(timestamp)","level":"info","service":"orders","event_type":"log","message":"m"\#(extra)}"#
    }

    /// The reason both decoders give, or `nil` when both accept; a mismatch between them fails the test.
    static func rejection(_ line: String, limits: DecodingLimits = DecodingLimits(), sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        var text = line
        let (fast, reference) = text.withUTF8 { bytes -> (String?, String?) in
            let raw = UnsafeRawBufferPointer(bytes)
            func reason(_ decode: () throws(EventDecodingError) -> Event) -> String? {
                do throws(EventDecodingError) {
                    _ = try decode()
                    return nil
                } catch {
                    return error.reason
                }
            }
            return (reason { () throws(EventDecodingError) in try Event(jsonLine: raw, limits: limits) },
                    reason { () throws(EventDecodingError) in try Event(referenceJSONLine: raw, limits: limits) })
        }
        #expect(fast == reference, "the two decoders disagree", sourceLocation: sourceLocation)
        return fast
    }

    // MARK: Durations

    @Test(arguments: ["1e300", "9.3e15", "-1", "-0.001", "604800000.001", "1e16"])
    func outOfRangeDurationIsRejectedWithItsField(duration: String) throws {
        let reason = try #require(Self.rejection(Self.call(duration: duration)))
        #expect(reason.hasPrefix("field 'duration_ms': "), "\(reason)")
        #expect(reason.contains("0...604800000"), "\(reason)")
        let end = try #require(Self.rejection(Self.requestEnd(duration: duration)))
        #expect(end.hasPrefix("field 'duration_ms': "))
    }

    @Test(arguments: ["0", "-0.0", "0.001", "604800000", "86400000"])
    func durationsUpToSevenDaysAreAccepted(duration: String) {
        #expect(Self.rejection(Self.call(duration: duration)) == nil)
        #expect(Self.rejection(Self.requestEnd(duration: duration)) == nil)
    }

    // MARK: Status codes and attempts

    @Test func statusCodesOutside0To999AreRejected() throws {
        for status in ["-1", "1000", "9223372036854775807"] {
            let reason = try #require(Self.rejection(Self.call(status: status)), "\(status)")
            #expect(reason == "field 'status_code': \(status) is outside 0...999")
        }
        for status in ["0", "999", "503"] { #expect(Self.rejection(Self.call(status: status)) == nil) }
    }

    @Test func attemptsOutside1To1000AreRejected() throws {
        for attempt in ["0", "-3", "1001"] {
            #expect(try #require(Self.rejection(Self.call(attempt: attempt))) == "field 'attempt': \(attempt) is outside 1...1000")
        }
        #expect(Self.rejection(Self.call(attempt: "1000")) == nil)
    }

    // MARK: Gauges, sizes and counts

    @Test func resourceGaugesAreBounded() throws {
        #expect(Self.rejection(Self.resource(#""memory_mb":212.4,"cpu_percent":37.5,"threads":14,"open_fds":83,"heap_mb":148.2"#)) == nil)
        let cases: [(String, String)] = [
            (#""memory_mb":-1,"cpu_percent":1"#, "field 'memory_mb': -1 is outside 0...1073741824 MiB"),
            (#""memory_mb":1e300,"cpu_percent":1"#, "field 'memory_mb': 1e+300 is outside 0...1073741824 MiB"),
            (#""memory_mb":1,"cpu_percent":100001"#, "field 'cpu_percent': 100001 is outside 0...100000 %"),
            (#""memory_mb":1,"cpu_percent":1,"threads":-1"#, "field 'threads': -1 is outside 0...2147483647"),
            (#""memory_mb":1,"cpu_percent":1,"open_fds":4294967296"#, "field 'open_fds': 4294967296 is outside 0...2147483647"),
            (#""memory_mb":1,"cpu_percent":1,"queue_depth":-2e15"#, "gauge 'queue_depth': -2000000000000000 is beyond ±1000000000000000"),
        ]
        for (fields, expected) in cases {
            #expect(Self.rejection(Self.resource(fields)) == expected)
        }
    }

    @Test func droppedEventsIsACount() throws {
        #expect(Self.rejection(Self.log(#","dropped_events":3"#)) == nil)
        #expect(Self.rejection(Self.log(#","dropped_events":-3"#)) == "field 'dropped_events': -3 is outside 0...2147483647")
        #expect(Self.rejection(Self.log(#","dropped_events":"3""#)) == "field 'dropped_events' must be an integer")
    }

    // MARK: Timestamps

    @Test func farFutureAndFarPastTimestampsAreRejected() throws {
        let future = try #require(Self.rejection(Self.log(timestamp: "9999-12-31T23:59:59.999999Z")))
        #expect(future.hasPrefix("field 'timestamp': 9999-12-31T23:59:59.999999Z is more than 24 h ahead of this reader's clock; fix the producer's clock"))
        let past = try #require(Self.rejection(Self.log(timestamp: "1970-01-01T00:00:00.000000Z")))
        #expect(past == "field 'timestamp': 1970-01-01T00:00:00.000000Z is before 2000-01-01T00:00:00.000000Z (a clock that was never set?)")
        // A skewed clock passes: an hour ahead of this one.
        let soon = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + 3_600_000_000)
        #expect(Self.rejection(Self.log(timestamp: soon.description)) == nil)
        let tomorrowAndABit = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + 90_000_000_000)
        #expect(Self.rejection(Self.log(timestamp: tomorrowAndABit.description)) != nil)
    }

    // MARK: Name-like fields are refused, never cut

    @Test func overlongIdentifiersAreRejectedNotCut() throws {
        let longID = String(repeating: "c", count: 200)
        let reason = try #require(Self.rejection(Self.log(#","correlation_id":"\#(longID)""#)))
        #expect(reason == "field 'correlation_id' is 200 bytes, over the 128-byte limit (values are stored as sent, never cut)")
        #expect(Self.rejection(Self.log(#","correlation_id":"\#(String(repeating: "c", count: 128))""#)) == nil)
        // Bytes, not characters: 43 three-byte characters are 129 bytes.
        let wide = String(repeating: "€", count: 43)
        let service = #"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"\#(wide)","event_type":"log","message":"m"}"#
        #expect(try #require(Self.rejection(service)).hasPrefix("field 'service' is 129 bytes"))
        #expect(try #require(Self.rejection(Self.log(#","event_id":"\#(String(repeating: "e", count: 129))""#))).hasPrefix("field 'event_id' is 129 bytes"))
        #expect(try #require(Self.rejection(Self.log(#","host":"\#(String(repeating: "h", count: 257))""#))).hasPrefix("field 'host' is 257 bytes"))
        let longKey = String(repeating: "k", count: 300)
        #expect(try #require(Self.rejection(Self.log(#","\#(longKey)":1"#))).hasPrefix("a field name is 300 bytes, over the 256-byte limit"))
    }

    /// Found by the fuzzer: with several over-long names the two decoders named different ones (their
    /// dictionaries iterate in different orders). The first in sorted order is named, by both.
    @Test func ofSeveralOverLongNamesTheSameOneIsNamed() throws {
        let keys = (0..<24).map { index in String(repeating: "k", count: 260 + index % 7) + "-\(index)" }
        let extra = keys.reversed().map { #","\#($0)":1"# }.joined()
        let reason = try #require(Self.rejection(Self.log(extra)))
        let first = try #require(keys.min())
        #expect(reason.hasPrefix("a field name is \(first.utf8.count) bytes"), "\(reason)")
    }

    @Test func freeTextIsBoundedOnlyByTheLine() {
        let message = String(repeating: "m", count: 200_000)
        #expect(Self.rejection(#"{"timestamp":"2026-11-24T10:15:02.123456Z","level":"info","service":"s","event_type":"log","message":"\#(message)"}"#) == nil)
    }

    // MARK: Opting out

    @Test func storedLinesAreReadWithoutRangeChecks() throws {
        let line = Self.call(duration: "1e300")
        #expect(Self.rejection(line) != nil)
        let event = try Event(jsonLine: line, limits: .stored)
        guard case .serviceCall(let call) = event.payload else { Issue.record("wrong payload"); return }
        #expect(call.durationMS == 1e300)
        #expect(Self.rejection(Self.log(timestamp: "9999-12-31T23:59:59.999999Z"), limits: .stored) == nil)
    }

    @Test func customLimitsApply() {
        var limits = DecodingLimits()
        limits.fields?.maxDurationMS = 1000
        #expect(Self.rejection(Self.call(duration: "1000.5"), limits: limits)?.contains("0...1000 (milliseconds: at most 1 s)") == true)
    }

    // MARK: Markers are reserved and typed

    @Test func markersRoundTripAsTypedFields() throws {
        var event = Event(timestamp: Timestamp(microsecondsSinceEpoch: 1_764_000_000_000_000), level: .warning, service: "s", payload: .log,
                          message: "lost", droppedEvents: 7, lineTruncated: true, truncatedFields: ["message"])
        event.attributes["note"] = .string("x")
        let line = event.jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["dropped_events"] as? Int == 7)
        #expect(object["line_truncated"] as? Bool == true)
        #expect(object["field_truncated"] as? [String] == ["message"])
        #expect(try Event(jsonLine: line) == event)
        #expect(Self.rejection(Self.log(#","line_truncated":"yes""#)) == "field 'line_truncated' must be true or false")
        #expect(Self.rejection(Self.log(#","field_truncated":[1]"#)) == "field 'field_truncated' must be an array of field names")
        for name in [FieldName.droppedEvents, FieldName.lineTruncated, FieldName.fieldTruncated] {
            #expect(FieldName.isReserved(name) && FieldName.reserved.contains(name))
        }
    }

    @Test func metadataCannotForgeAMarker() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        logger.info("hi", metadata: ["dropped_events": .stringConvertible(5), "line_truncated": .stringConvertible(true), "field_truncated": "message"])
        writer.flush()
        let line = try #require(output.lines.first)
        let event = try Event(jsonLine: line)
        #expect(event.droppedEvents == nil && !event.lineTruncated && event.truncatedFields.isEmpty)
        #expect(event.attributes["metadata.dropped_events"] == .int(5))
        #expect(event.attributes["metadata.line_truncated"] == .bool(true))
    }

    @Test func everyCutIsNamedInFieldTruncated() throws {
        let event = Event(
            timestamp: Timestamp(microsecondsSinceEpoch: 1_764_000_000_000_000), level: .error, service: "s",
            payload: .error(ErrorDetails(errorType: "E", stack: String(repeating: "s", count: 100))),
            message: String(repeating: "m", count: 100),
            attributes: ["short": .string("ok"), "long": .array([.string(String(repeating: "x", count: 100))]),
                         "deep": .array([.array([.array([.int(1)])])])])
        let limits = EncodingLimits(maxStringBytes: 50, maxNesting: 2)
        let decoded = try Event(jsonLine: event.jsonLine(limits: limits))
        #expect(Set(decoded.truncatedFields) == ["message", "stack", "long", "deep"])
        #expect(decoded.message?.hasSuffix("…[truncated 50 bytes]") == true)
        // Nothing cut: no marker; lossless never cuts what a decoder accepted.
        #expect(try Event(jsonLine: event.jsonLine(limits: .lossless)).truncatedFields.isEmpty)
        #expect(try Event(jsonLine: event.jsonLine(limits: .lossless)) == event)
    }

    @Test func theLogHandlerNamesWhatItCut() throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output) { $0.limits = EncodingLimits(maxStringBytes: 10) }
        logger.info("a message longer than ten bytes", metadata: ["order": "short", "note": "also longer than ten"])
        writer.flush()
        let event = try Event(jsonLine: try #require(output.lines.first))
        #expect(Set(event.truncatedFields) == ["message", "note"])
    }
}
