import AnalyzerCore
import ServiceLog
import Testing

@Suite struct StoredEventIDTests {
    @Test func usesTheEventsOwnIDOrAStableDerivedOne() {
        var event = Event(timestamp: Timestamp(microsecondsSinceEpoch: 1), level: .info, service: "s", payload: .log, message: "m")
        let derived = StoredEventID.of(event)
        #expect(derived.hasPrefix("derived-") && derived.count == 24)
        #expect(StoredEventID.of(event) == derived)
        event.message = "other"
        #expect(StoredEventID.of(event) != derived)
        event.eventID = "abc"
        #expect(StoredEventID.of(event) == "abc")
    }
}
