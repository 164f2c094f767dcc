@testable import ShipperHTTPSink
import Testing

/// `Retry-After` parsing, without a server (the forms a server round trip does not cover).
@Suite struct RetryAfterTests {
    /// 2026-11-25T16:36:41Z.
    static let now = 1_795_624_601

    @Test(arguments: [
        ("7", Duration.seconds(7)),
        (" 120 ", .seconds(120)),
        ("0", .zero),
        ("Wed, 25 Nov 2026 16:37:41 GMT", .seconds(60)),  // IMF-fixdate
        ("Wednesday, 25-Nov-26 16:37:41 GMT", .seconds(60)),  // RFC 850
        ("Wed Nov 25 16:37:41 2026", .seconds(60)),  // asctime
        ("Wed, 25 Nov 2026 16:00:00 GMT", .zero),  // in the past: retry now
    ])
    func parses(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: Self.now) == expected)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "99999999999999999999999", "7 seconds", "next tuesday"])
    func ignoresGarbage(value: String) {
        #expect(RetryAfter.parse(value, now: Self.now) == nil)
    }
}
