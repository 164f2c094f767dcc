import Logging
import ServiceLog
import ShipperCore
import ShipperPipeline
import Testing

@Suite("EventShaper")
struct EventShaperTests {
    let shaper = EventShaper(defaults: .init(service: "default-svc", host: "default-host"))
    let fixedNow = Timestamp(microsecondsSinceEpoch: 1_700_000_000_123_456)

    func shape(_ bytes: [UInt8], originalLength: Int? = nil, origin: String = "100", enrichment: Enrichment = Enrichment())
        -> EventShaper.Shaped
    {
        let record = SourceRecord(
            bytes: bytes, originalLength: originalLength, stream: testStream, origin: origin,
            position: .file(path: "/var/log/app.log", offset: 200), enrichment: enrichment)
        return shaper.shape(record, now: fixedNow)
    }

    func shape(_ text: String, origin: String = "100", enrichment: Enrichment = Enrichment()) -> EventShaper.Shaped {
        shape(Array(text.utf8), origin: origin, enrichment: enrichment)
    }

    func decode(_ shaped: EventShaper.Shaped) throws -> Event {
        try Event(jsonLine: String(decoding: shaped.line, as: UTF8.self))
    }

    @Test func canonicalLineWithEventIDPassesThroughByteForByte() throws {
        // Unusual field order, an unknown nested field and extra spaces must all survive.
        let line = #"{"service":"api", "timestamp":"2025-03-01T10:00:00.123456Z","level":"warning","event_type":"log","message":"disk \u00e9 low","event_id":"evt-1","zz_custom":{"b":[1,2.5,null]},"host":"h9"}"#
        let shaped = shape(line)
        #expect(shaped.wrapped == false)
        #expect(shaped.line == Array(line.utf8))
    }

    @Test func aCanonicalLineWithAValueOutOfRangeIsWrappedWithTheReasonNotPassedThrough() throws {
        // The issue's crash: a producer writing nanoseconds into duration_ms. The shipper used to pass it on.
        let line = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"api","event_type":"service_call","event_id":"c-1","target_service":"db","method":"GET","endpoint":"/q","duration_ms":1e300,"status_code":200,"success":true}"#
        let shaped = shape(line)
        #expect(shaped.wrapped)
        let event = try decode(shaped)
        #expect(event.eventType == .log && event.message == line)
        #expect(event.attributes["parse_error"]?.stringValue?.hasPrefix("field 'duration_ms': 1e+300 is outside 0...604800000") == true)
    }

    @Test func canonicalRequestEventPassesThrough() throws {
        let line = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"api","event_type":"request_end","event_id":"r-1","method":"GET","endpoint":"/x","status_code":200,"duration_ms":1.5,"success":true}"#
        let shaped = shape(line)
        #expect(shaped.wrapped == false)
        #expect(shaped.line == Array(line.utf8))
    }

    @Test func missingEventIDIsInsertedAndEverythingElseKept() throws {
        let line = #"{"timestamp":"2025-03-01T10:00:00.5Z","level":"error","service":"payments","event_type":"log","message":"card declined","host":"p1","attempt_no":3,"tags":["a","b"]}"#
        let record = SourceRecord(
            bytes: Array(line.utf8), stream: testStream, origin: "4096",
            position: .file(path: "/var/log/p.log", offset: 5000))
        let shaped = shaper.shape(record, now: fixedNow)
        #expect(shaped.wrapped == false)
        let event = try decode(shaped)
        #expect(event.eventID == EventIDDerivation.eventID(for: record))
        #expect(event.eventID?.hasPrefix("ls-") == true)
        #expect(event.eventID?.count == 35)
        #expect(event.message == "card declined")
        #expect(event.service == "payments")
        #expect(event.level == .error)
        #expect(event.host == "p1")
        #expect(event.eventType == .log)
        #expect(event.timestamp == Timestamp(rfc3339: "2025-03-01T10:00:00.5Z"))
        #expect(event.attributes["attempt_no"] == .int(3))
        #expect(event.attributes["tags"] == .array([.string("a"), .string("b")]))
        #expect(event.attributes["log_origin"] == nil)
        // Only the id was added: removing it gives back the original bytes.
        let inserted = #""event_id":"\#(event.eventID!)","#
        let text = String(decoding: shaped.line, as: UTF8.self)
        #expect(text.replacingOccurrences(of: inserted, with: "") == line)
    }

    @Test func nullEventIDCountsAsMissing() throws {
        let line = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","message":"m","event_id":null}"#
        let record = SourceRecord(bytes: Array(line.utf8), stream: testStream, origin: "7", position: .file(path: "/a", offset: 9))
        let shaped = shaper.shape(record, now: fixedNow)
        #expect(shaped.wrapped == false)
        #expect(try decode(shaped).eventID == EventIDDerivation.eventID(for: record))
        // One `event_id` key only, so tools that keep the last duplicate key (jq) see the id, not null.
        let text = String(decoding: shaped.line, as: UTF8.self)
        #expect(text.components(separatedBy: "\"event_id\"").count == 2)
        #expect(!text.contains("null"))
    }

    @Test func plainTextBecomesALogEventWithDefaults() throws {
        let shaped = shape("ERROR: x", enrichment: Enrichment(origin: "/var/log/app.log"))
        #expect(shaped.wrapped == true)
        let event = try decode(shaped)
        #expect(event.eventType == .log)
        #expect(event.message == "ERROR: x")
        #expect(event.level == .error)
        #expect(event.service == "default-svc")
        #expect(event.host == "default-host")
        #expect(event.timestamp == fixedNow)
        #expect(event.eventID?.hasPrefix("ls-") == true)
        #expect(event.attributes["log_origin"] == .string("/var/log/app.log"))
        #expect(event.attributes["parse_error"] == nil)
        #expect(!event.lineTruncated)
    }

    @Test(arguments: [
        ("ERROR: x", Logger.Level.error),
        ("GET /api/error 200", .info),
        ("error_count=3 all good", .info),
        ("[warn] disk at 91%", .warning),
        ("2025-01-01 12:00:00 level=debug starting", .debug),
        ("nothing special here", .info),
    ])
    func levelIsGuessedOnlyWhereObvious(text: String, level: Logger.Level) throws {
        #expect(try decode(shape(text)).level == level)
    }

    @Test func journaldPriorityDecidesTheLevelAndEnrichmentFillsTheEvent() throws {
        let when = Timestamp(microsecondsSinceEpoch: 1_650_000_000_000_001)
        let enrichment = Enrichment(
            timestamp: when, host: "node-7", service: "nginx", priority: 3, origin: "journald",
            attributes: ["_SYSTEMD_UNIT": "nginx.service", "_PID": "812"])
        let event = try decode(shape("INFO upstream timed out", enrichment: enrichment))
        #expect(event.level == .error)
        #expect(event.service == "nginx")
        #expect(event.host == "node-7")
        #expect(event.timestamp == when)
        #expect(event.message == "INFO upstream timed out")
        #expect(event.attributes["_SYSTEMD_UNIT"] == .string("nginx.service"))
        #expect(event.attributes["_PID"] == .string("812"))
        #expect(event.attributes["log_origin"] == .string("journald"))
    }

    @Test func emptyEnrichmentNamesFallBackToDefaults() throws {
        let event = try decode(shape("hello", enrichment: Enrichment(host: "", service: "")))
        #expect(event.service == "default-svc")
        #expect(event.host == "default-host")
    }

    @Test func invalidUTF8BecomesAValidLineWithReplacementCharacters() throws {
        let bytes: [UInt8] = Array("bad ".utf8) + [0xFF, 0xC3] + Array(" end".utf8)
        let shaped = shape(bytes)
        #expect(shaped.wrapped == true)
        #expect(String(validating: shaped.line, as: UTF8.self) != nil)
        #expect(jsonObject(String(decoding: shaped.line, as: UTF8.self)) != nil)
        let event = try decode(shaped)
        #expect(event.message == "bad \u{FFFD}\u{FFFD} end")
    }

    @Test func truncatedRecordIsMarked() throws {
        // Even a cut line that starts like JSON is wrapped (never parsed half).
        let text = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","mess"#
        let shaped = shape(Array(text.utf8), originalLength: 70_000)
        #expect(shaped.wrapped == true)
        let event = try decode(shaped)
        #expect(event.message == text)
        #expect(event.lineTruncated)
        #expect(event.attributes["original_bytes"] == .int(70_000))
        #expect(event.attributes["parse_error"] == nil)
    }

    @Test func jsonThatIsNotCanonicalIsWrappedWithTheParseError() throws {
        let shaped = shape(#"{"a":1}"#)
        #expect(shaped.wrapped == true)
        let event = try decode(shaped)
        #expect(event.message == #"{"a":1}"#)
        #expect(event.level == .info)
        let parseError = try #require(event.attributes["parse_error"]?.stringValue)
        #expect(parseError.contains("timestamp"))
    }

    @Test func brokenJSONIsWrappedWithTheParseError() throws {
        let event = try decode(shape(#"{"timestamp": "#))
        #expect(event.message == #"{"timestamp": "#)
        #expect(event.attributes["parse_error"]?.stringValue?.isEmpty == false)
    }

    @Test func carriageReturnIsStripped() throws {
        let plain = try decode(shape("hello world\r"))
        #expect(plain.message == "hello world")

        let canonical = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","message":"m","event_id":"e1"}"#
        let shaped = shape(canonical + "\r")
        #expect(shaped.wrapped == false)
        #expect(shaped.line == Array(canonical.utf8))
    }

    @Test func eventIDIsStableAndDependsOnOriginAndBytes() throws {
        let first = try decode(shape("same line", origin: "10")).eventID
        let again = try decode(shape("same line", origin: "10")).eventID
        let elsewhere = try decode(shape("same line", origin: "20")).eventID
        let otherText = try decode(shape("other line", origin: "10")).eventID
        #expect(first != nil)
        #expect(first == again)
        #expect(first != elsewhere)
        #expect(first != otherText)

        // The same record shaped twice gives identical bytes when the time does not matter.
        #expect(shape("same line", origin: "10").line == shape("same line", origin: "10").line)

        // Another stream, same origin: another id.
        let a = SourceRecord(bytes: Array("x".utf8), stream: StreamID("file:1:1:aa"), origin: "0", position: .file(path: "/a", offset: 2))
        var b = a
        b.stream = StreamID("file:1:1:bb")
        #expect(EventIDDerivation.eventID(for: a) != EventIDDerivation.eventID(for: b))
        #expect(EventIDDerivation.eventID(for: a) == EventIDDerivation.eventID(for: a))
    }

    @Test func derivedIDMatchesBetweenCanonicalInsertionAndWrapping() throws {
        // Both paths use the record's identity: the id a canonical line gets is the derivation's.
        let line = #"{"timestamp":"2025-03-01T10:00:00Z","level":"info","service":"a","event_type":"log","message":"m"}"#
        let record = SourceRecord(bytes: Array(line.utf8), stream: .journal, origin: "s=abc;i=1", position: .journal(cursor: "s=abc;i=1"))
        let event = try Event(jsonLine: String(decoding: shaper.shape(record).line, as: UTF8.self))
        #expect(event.eventID == EventIDDerivation.eventID(for: record))
    }

    @Test func longPlainLineIsCutToFitTheMaximumLine() throws {
        let small = EventShaper(defaults: .init(service: "s"), maxLineBytes: 20_000)
        let text = String(repeating: "a", count: 50_000)
        let record = SourceRecord(bytes: Array(text.utf8), stream: testStream, origin: "0", position: .file(path: "/a", offset: 1))
        let shaped = small.shape(record, now: fixedNow)
        #expect(shaped.line.count <= 20_000)
        let event = try Event(jsonLine: String(decoding: shaped.line, as: UTF8.self))
        #expect(event.message?.hasPrefix("aaaa") == true)
        #expect(event.eventID == EventIDDerivation.eventID(for: record))
    }
}

@Suite("LevelGuess")
struct LevelGuessTests {
    func level(_ text: String, priority: Int? = nil) -> Logger.Level {
        LevelGuess.level(of: Array(text.utf8), priority: priority)
    }

    @Test func priorityOtherThanInfoWins() {
        #expect(level("INFO all fine", priority: 3) == .error)
        #expect(level("ERROR x", priority: 4) == .warning)
        #expect(level("x", priority: 0) == .critical)
        #expect(level("x", priority: 5) == .notice)
        #expect(level("x", priority: 7) == .debug)
    }

    @Test func priorityInfoLetsTheTextDecide() {
        // journald gives captured stdout priority 6 whatever the line says.
        #expect(level("ERROR: x", priority: 6) == .error)
        #expect(level("all fine", priority: 6) == .info)
    }

    @Test func onlyWordsSetApartInTheFirst64BytesCount() {
        #expect(level("WARN something") == .warning)
        #expect(level("<Error> boom") == .error)
        #expect(level("msg=\"x\" level=\"fatal\"") == .critical)
        #expect(level("terror in the aisles") == .info)
        #expect(level("errors: 0") == .info)
        #expect(level(String(repeating: "x", count: 70) + " ERROR late") == .info)
    }
}
