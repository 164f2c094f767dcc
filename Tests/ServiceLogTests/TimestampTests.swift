import Foundation
import ServiceLog
import Testing

@Suite struct TimestampTests {
    @Test func formatsKnownInstants() {
        #expect(Timestamp(microsecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000000Z")
        // 2026-11-24T10:15:02.123456Z
        #expect(Timestamp(microsecondsSinceEpoch: 1_795_515_302_123_456).description == "2026-11-24T10:15:02.123456Z")
        // Leap day and end of a leap year.
        #expect(Timestamp(microsecondsSinceEpoch: 1_709_164_800_000_001).description == "2024-02-29T00:00:00.000001Z")
        #expect(Timestamp(microsecondsSinceEpoch: 1_735_689_599_999_999).description == "2024-12-31T23:59:59.999999Z")
        // Before the epoch.
        #expect(Timestamp(microsecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999999Z")
    }

    @Test func parsesWhatItWritesAndOtherRFC3339Forms() throws {
        for micros: Int64 in [0, 1, 1_795_515_302_123_456, 951_782_400_000_000, -86_400_000_001] {
            let stamp = Timestamp(microsecondsSinceEpoch: micros)
            #expect(Timestamp(rfc3339: stamp.description) == stamp)
        }
        #expect(Timestamp(rfc3339: "2026-11-24T11:15:02.5+01:00")?.description == "2026-11-24T10:15:02.500000Z")
        #expect(Timestamp(rfc3339: "2026-11-24T10:15:02Z")?.description == "2026-11-24T10:15:02.000000Z")
        #expect(Timestamp(rfc3339: "2026-11-24T10:15:02.123456789Z")?.description == "2026-11-24T10:15:02.123456Z")
        #expect(Timestamp(rfc3339: "2024-02-29T12:00:00Z") != nil)
        for bad in ["", "2026-11-24", "2026-13-01T00:00:00Z", "2026-11-24T10:15:02", "2026-11-24T10:15:02.Z", "yesterday", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-24T10:15:02+99:99", "2026-04-31T00:00:00Z"] {
            #expect(Timestamp(rfc3339: bad) == nil, "accepted \(bad)")
        }
    }

    @Test func nowAgreesWithFoundationsClock() {
        let ours = Double(Timestamp.now().microsecondsSinceEpoch) / 1e6
        #expect(abs(ours - Date().timeIntervalSince1970) < 1)
    }
}
