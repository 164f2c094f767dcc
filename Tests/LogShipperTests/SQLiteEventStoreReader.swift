import AnalyzerCore
import ServiceLog

/// Reads back what `analyzer serve` stored, through the analyzer's own store.
struct SQLiteEventStoreReader {
    let store: SQLiteEventStore

    init(path: String) throws {
        store = try SQLiteEventStore(path: path)
    }

    func all() async throws -> [Event] {
        try await store.events(matching: EventQuery())
    }
}
