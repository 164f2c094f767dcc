import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// One event with a clock centuries off (seen in real recorded data: an overflowed time column read
/// as 1754) must not stretch the analysis over centuries: it once made `incidents` grow to 23 GB.
@Suite struct StrayTimestampTests {
    @Test func strayEventsFarFromTheDataChangeNothing() throws {
        let spec = try #require(ScenarioGenerator.plan(seed: 3, scenariosPerKind: 1, includeControls: false).first { $0.name.hasPrefix("errors") })
        let events = ScenarioGenerator.generate(spec).events
        let clean = IncidentAnalyzer().incidents(in: Observations(events: events))
        var strays = events
        let middle = events[(events.count / 2)...]
        let picks = [middle.first { $0.eventType == .requestEnd }, middle.first { $0.eventType == .serviceCall }].compactMap { $0 }
        #expect(picks.count == 2)
        for (pick, micros) in zip(picks, [Int64(-6_795_364_578_871_345), 253_402_300_799_000_000]) {
            var stray = pick
            stray.timestamp = Timestamp(microsecondsSinceEpoch: micros)
            strays.append(stray)
        }
        let observations = Observations(events: strays)
        let range = try #require(observations.requestTimeRange)
        #expect(range.upperBound - range.lowerBound < 3 * 3_600_000_000, "the strays are left out of the analysed range")
        let found = IncidentAnalyzer().incidents(in: observations)
        #expect(found.map(\.rootCause.service) == clean.map(\.rootCause.service))
        #expect(found.map(\.start) == clean.map(\.start))
    }
}
