import ServiceLog

/// Turns a sequence of analyses into incidents with a life: the ID an incident got when it was first
/// detected stays while later analyses of a longer (or sliding) window see it again, its start never
/// moves later, and it is resolved — kept and listed, with when and why — once the analysed data has
/// gone on for ``resolveAfterMicros`` past its end without it.
///
/// A found incident is the same as a known one when their times overlap (within
/// ``toleranceMicros``) and they share the root cause or an affected user-facing service.
public struct IncidentTracker: Sendable {
    /// Known incidents, newest first, each with its ``Incident/lifecycle``.
    public private(set) var incidents: [Incident]
    /// Normal data this long after an incident's end resolves it.
    public var resolveAfterMicros: Int64 = 120_000_000
    /// How far apart in time two sightings of one incident may be.
    public var toleranceMicros: Int64 = 120_000_000

    /// What one update changed, by incident ID, and the analysis' incidents as tracked.
    public struct Changes: Sendable, Hashable {
        public var opened: [String] = []
        public var updated: [String] = []
        public var resolved: [String] = []
        /// The incidents the analysis found, in its order, with their tracked IDs and lifecycles.
        public var found: [Incident] = []
    }

    public init(incidents: [Incident] = []) {
        self.incidents = incidents
    }

    /// Folds in the incidents one analysis of `[analysedFrom, analysedUntil)` found at wall-clock
    /// time `now`.
    @discardableResult
    public mutating func update(with found: [Incident], analysedFrom: Int64, analysedUntil: Int64, now: Timestamp = .now()) -> Changes {
        var changes = Changes()
        let wall = now.description
        var matched = Set<Int>()
        var trackedIDs: [Int: String] = [:]
        for (position, incident) in found.enumerated().sorted(by: { $0.element.start < $1.element.start }) {
            if let index = bestMatch(for: incident, excluding: matched) {
                matched.insert(index)
                var merged = incident
                let known = incidents[index]
                merged.id = known.id
                if known.start < merged.start { merged.start = known.start }
                var lifecycle = known.lifecycle ?? IncidentLifecycle(state: .open, detectedAt: wall, updatedAt: wall, analyses: 0)
                lifecycle.state = .open
                lifecycle.updatedAt = wall
                lifecycle.analyses += 1
                lifecycle.resolvedAt = nil
                lifecycle.resolution = nil
                merged.lifecycle = lifecycle
                incidents[index] = merged
                changes.updated.append(merged.id)
                trackedIDs[position] = merged.id
            } else {
                var new = incident
                new.id = uniqueID(incident.id)
                new.lifecycle = IncidentLifecycle(state: .open, detectedAt: wall, updatedAt: wall, analyses: 1)
                incidents.append(new)
                matched.insert(incidents.count - 1)
                changes.opened.append(new.id)
                trackedIDs[position] = new.id
            }
        }
        for index in incidents.indices where incidents[index].lifecycle?.state != .resolved {
            guard let end = Timestamp(rfc3339: incidents[index].end)?.microsecondsSinceEpoch, end >= analysedFrom - toleranceMicros,
                analysedUntil - end >= resolveAfterMicros
            else { continue }
            let quiet = Int((analysedUntil - end) / 60_000_000)
            var incident = incidents[index]
            incident.lifecycle?.state = .resolved
            incident.lifecycle?.resolvedAt = incident.end
            incident.lifecycle?.resolution = "no service changed beyond its baseline since \(incident.end) (\(max(quiet, 1)) min of data since)"
            incidents[index] = incident
            changes.resolved.append(incident.id)
        }
        incidents.sort { ($0.start, $0.id) > ($1.start, $1.id) }
        changes.found = found.indices.compactMap { position in incidents.first { $0.id == trackedIDs[position] } }
        return changes
    }

    /// Where an analysis that would start at `from` should start instead so that every incident still
    /// in view (open, or resolved but ending after `from`) keeps its onset and the normal traffic
    /// before it (`baselineMicros`) in view: a window that slid past the onset would take the incident
    /// for the baseline, and the recovery for a new change. Never earlier than `earliest` nor more
    /// than `maximumMicros` before `until`.
    public func analysisStart(from: Int64, until: Int64, earliest: Int64, baselineMicros: Int64 = 600_000_000, maximumMicros: Int64) -> Int64 {
        let inView = incidents.filter { incident in
            if incident.lifecycle?.state == .open { return true }
            guard let end = Timestamp(rfc3339: incident.end)?.microsecondsSinceEpoch else { return false }
            return end >= from
        }
        let onsets = inView.compactMap { Timestamp(rfc3339: $0.start)?.microsecondsSinceEpoch }
        guard let oldest = onsets.min() else { return max(earliest, from) }
        return max(earliest, until - maximumMicros, min(from, oldest - baselineMicros))
    }

    /// The incidents of one analysis with the IDs (and lifecycles) of the known ones they are, without
    /// changing what is known.
    public func identify(_ found: [Incident]) -> [Incident] {
        var matched = Set<Int>()
        return found.map { incident in
            guard let index = bestMatch(for: incident, excluding: matched) else { return incident }
            matched.insert(index)
            var same = incident
            same.id = incidents[index].id
            same.lifecycle = incidents[index].lifecycle
            return same
        }
    }

    /// The known incident `incident` is a new sighting of: overlapping in time, sharing the root cause
    /// or an affected user-facing service; the one overlapping most.
    func bestMatch(for incident: Incident, excluding: Set<Int>) -> Int? {
        guard let start = Timestamp(rfc3339: incident.start)?.microsecondsSinceEpoch,
            let end = Timestamp(rfc3339: incident.end)?.microsecondsSinceEpoch
        else { return nil }
        var best: (index: Int, overlap: Int64)?
        for (index, known) in incidents.enumerated() where !excluding.contains(index) {
            guard let knownStart = Timestamp(rfc3339: known.start)?.microsecondsSinceEpoch,
                let knownEnd = Timestamp(rfc3339: known.end)?.microsecondsSinceEpoch,
                start <= knownEnd + toleranceMicros, end >= knownStart - toleranceMicros
            else { continue }
            let sameCause = incident.rootCause.service != nil && incident.rootCause.service == known.rootCause.service
            let sharedEntry = !Set(incident.entryServices).isDisjoint(with: known.entryServices)
            let sharedSuspect = !Set(incident.candidates.prefix(3).map(\.service)).isDisjoint(with: known.candidates.prefix(3).map(\.service))
            guard sameCause || sharedEntry || sharedSuspect else { continue }
            let overlap = min(end, knownEnd) - max(start, knownStart)
            if best == nil || overlap > best!.overlap { best = (index, overlap) }
        }
        return best?.index
    }

    private func uniqueID(_ id: String) -> String {
        guard incidents.contains(where: { $0.id == id }) else { return id }
        var suffix = 2
        while incidents.contains(where: { $0.id == "\(id)-\(suffix)" }) { suffix += 1 }
        return "\(id)-\(suffix)"
    }
}
