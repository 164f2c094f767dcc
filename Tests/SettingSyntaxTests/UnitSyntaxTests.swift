import SettingSyntax
import Testing

@Suite struct DurationSyntaxTests {
    @Test(arguments: [
        ("250ms", 0.25), ("30s", 30), ("10m", 600), ("2h", 7200), ("7d", 604_800), ("1w", 604_800),
        ("1h30m", 5400), ("1.5s", 1.5), ("500us", 0.0005), (" 45s ", 45), ("0", 0), ("0s", 0), ("1_000ms", 1),
    ])
    func writtenWithAUnit(text: String, seconds: Double) {
        #expect(DurationSyntax.seconds(text, bare: .none) == seconds)
    }

    @Test func aBareNumberKeepsTheSettingsOwnUnit() {
        #expect(DurationSyntax.seconds("200", bare: .milliseconds) == 0.2)
        #expect(DurationSyntax.seconds("30", bare: .seconds) == 30)
        #expect(DurationSyntax.seconds("10", bare: .minutes) == 600)
        #expect(DurationSyntax.seconds("10", bare: .none) == nil)
        #expect(DurationSyntax.duration("1500", bare: .milliseconds) == .milliseconds(1500))
    }

    @Test(arguments: ["", "s", "-5s", "5x", "5 s", "1e400s", "nan", "inf", "5sm", "h1", "200y", "99999999999999d", "١٠s"])
    func rejected(text: String) {
        #expect(DurationSyntax.seconds(text, bare: .seconds) == nil)
    }
}

@Suite struct ByteSizeSyntaxTests {
    @Test(arguments: [
        ("512", 512), ("512B", 512), ("64KiB", 65_536), ("64KB", 65_536), ("64k", 65_536), ("10MB", 10 << 20),
        ("10MiB", 10 << 20), ("1.5GiB", 1_610_612_736), ("2GB", 2 << 30), ("1TB", 1 << 40), ("10 MB", 10 << 20),
        ("1_048_576", 1 << 20), ("0", 0),
    ])
    func accepted(text: String, bytes: Int) {
        #expect(ByteSizeSyntax.bytes(text) == bytes)
    }

    @Test(arguments: ["", "MB", "-1", "10XB", "1e3", "ten", "99999999999TB", "0x10", "1.2.3MB"])
    func rejected(text: String) {
        #expect(ByteSizeSyntax.bytes(text) == nil)
    }
}
