import Foundation
import GRDB
import ServiceLog

extension SQLiteEventStore: IncidentRecordStore {
    /// Incidents kept; the oldest are deleted beyond this.
    static let keptIncidents = 1_000

    public func trackedIncidents(limit: Int) async throws -> [Incident] {
        let rows: [String] = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT incident FROM incidents ORDER BY start_ts DESC, id DESC LIMIT ?", arguments: [max(0, limit)])
        }
        let decoder = JSONDecoder()
        // A record that no longer decodes (written by a future version) is skipped, not fatal.
        return rows.compactMap { try? decoder.decode(Incident.self, from: Data($0.utf8)) }
    }

    public func saveTrackedIncidents(_ incidents: [Incident]) async throws {
        guard !incidents.isEmpty else { return }
        let encoder = JSONEncoder()
        let rows = try incidents.map { incident in
            (incident.id, Timestamp(rfc3339: incident.start)?.microsecondsSinceEpoch ?? 0, incident.lifecycle?.state.rawValue ?? "open",
             String(decoding: try encoder.encode(incident), as: UTF8.self))
        }
        try await pool.write { db in
            for (id, start, state, json) in rows {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO incidents (id, start_ts, state, incident) VALUES (?, ?, ?, ?)",
                    arguments: [id, start, state, json])
            }
            try db.execute(
                sql: "DELETE FROM incidents WHERE id NOT IN (SELECT id FROM incidents ORDER BY start_ts DESC LIMIT ?)",
                arguments: [Self.keptIncidents])
        }
    }
}
