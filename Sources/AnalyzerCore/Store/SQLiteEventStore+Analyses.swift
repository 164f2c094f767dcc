import Foundation
import GRDB

extension SQLiteEventStore: AnalysisStore {
    /// Analyses kept; older ones are deleted as new ones are saved.
    static let keptAnalyses = 200

    public func save(_ analysis: StoredAnalysis) async throws {
        let json = String(decoding: try JSONEncoder().encode(analysis), as: UTF8.self)
        try await pool.write { db in
            // The newest row when it ran: an event stored later with a time in the window makes it stale.
            let lastRow = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM events") ?? 0
            try db.execute(
                sql: "INSERT INTO analyses (from_ts, until_ts, last_row, analysis) VALUES (?, ?, ?, ?)",
                arguments: [analysis.from, analysis.until, lastRow, json])
            try db.execute(
                sql: "DELETE FROM analyses WHERE id <= (SELECT MAX(id) FROM analyses) - ?", arguments: [Self.keptAnalyses])
        }
    }

    public func currentAnalysis(covering from: Int64, until: Int64) async throws -> StoredAnalysis? {
        let json: String? = try await pool.read { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT analysis, from_ts, until_ts, last_row FROM analyses
                    WHERE from_ts <= ? AND until_ts >= ? ORDER BY id DESC LIMIT 1
                    """,
                arguments: [from, until])
            else { return nil }
            let (windowFrom, windowUntil, lastRow): (Int64, Int64, Int64) = (row["from_ts"], row["until_ts"], row["last_row"])
            // Rows after `last_row` are what arrived since; scanning them by rowid costs what arrived.
            let stale = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE id > ? AND ts >= ? AND ts < ?)",
                arguments: [lastRow, windowFrom, windowUntil]) ?? false
            return stale ? nil : row["analysis"]
        }
        guard let json else { return nil }
        return try JSONDecoder().decode(StoredAnalysis.self, from: Data(json.utf8))
    }
}
