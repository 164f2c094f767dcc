import AnalyzerCore
import AnalyzerDashboard
import Logging
import ServiceLog
import Testing

/// `analyzer serve --retain/--max-store-size`: the service that keeps the store bounded.
@Suite struct RetentionServiceTests {
    static func event(_ message: String, minutesAgo: Int64) -> Event {
        Event(
            timestamp: Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch - minutesAgo * 60_000_000),
            level: .info, service: "orders", payload: .log, message: message, eventID: "retention-\(message)")
    }

    @Test func eventsOlderThanTheAgeAreDeletedAndRecentOnesKept() async throws {
        let (store, _) = try await Recorded.store(with: [
            Self.event("two-days-old", minutesAgo: 2 * 24 * 60), Self.event("two-hours-old", minutesAgo: 120),
            Self.event("fresh", minutesAgo: 1),
        ])
        let service = RetentionService(
            store: store, policy: RetentionPolicy(maxAge: .seconds(3600)), interval: .seconds(600), logger: Logger(label: "test"))
        #expect(await service.applyOnce() == 2)
        let left = try await store.events(matching: EventQuery())
        #expect(left.map(\.message) == ["fresh"])
        #expect(await service.applyOnce() == 0, "nothing more to delete")
    }
}
