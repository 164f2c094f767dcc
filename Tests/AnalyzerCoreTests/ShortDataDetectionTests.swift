import AnalyzerCore
import AnalyzerEvaluation
import ServiceLog
import Testing

/// A service started a minute ago (or a demo) has too little data for 10-second buckets; the
/// detector then uses shorter ones instead of saying nothing.
@Suite struct ShortDataDetectionTests {
    static func scenario(seconds: Double, faultAt: Double, faultFor: Double) -> Scenario {
        ScenarioGenerator.generate(ScenarioSpec(
            name: "short", seed: 11, durationSeconds: seconds, requestsPerSecond: 12,
            fault: FaultSpec(service: "pricing", kind: .errors, startSecond: faultAt, durationSeconds: faultFor, intensity: 0.8)))
    }

    @Test func aFaultInTheSecondMinuteOfDataIsFound() throws {
        let events = Self.scenario(seconds: 75, faultAt: 45, faultFor: 30).events
        let incidents = IncidentAnalyzer().incidents(in: Observations(events: events))
        let incident = try #require(incidents.first, "no incident in 75 s of data with a 30 s fault")
        #expect(incident.rootCause.service == "pricing")

        var fixed = IncidentAnalyzer()
        fixed.detector.settings.adaptsToShortData = false
        #expect(fixed.incidents(in: Observations(events: events)).isEmpty, "10-second buckets need 3 minutes of data")
    }

    @Test func theBucketShrinksOnlyForShortData() {
        let detector = IncidentDetector()
        #expect(detector.bucketSeconds(forSpan: 3_600_000_000) == 10)
        #expect(detector.bucketSeconds(forSpan: 180_000_000) == 10)
        #expect(detector.bucketSeconds(forSpan: 90_000_000) == 5)
        #expect(detector.bucketSeconds(forSpan: 10_000_000) == 1)
    }
}
