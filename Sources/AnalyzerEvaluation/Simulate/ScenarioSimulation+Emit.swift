import Logging
import ServiceLog

extension ScenarioSimulation {
    /// Appends one event written by `instance` of `service` at true time `time`.
    mutating func emit(
        _ service: Int, instance: Int = 0, at time: Int64, level: Logger.Level, payload: EventPayload, message: String? = nil,
        source: String, trace: TraceFields? = nil, attributes: [String: JSONValue] = [:]
    ) {
        eventCounter += 1
        var correlationID = trace?.context.correlationID
        if trace != nil, noiseRNG.chance(spec.noise.missingCorrelationRate) { correlationID = nil }
        events.append(
            Event(
                timestamp: Timestamp(microsecondsSinceEpoch: time + fleet.skew[service][instance]), level: level,
                service: services[service].name,
                payload: payload, message: message, eventID: eventIDPrefix + Self.hex16(eventCounter), host: fleet.hosts[service][instance],
                instance: fleet.names[service][instance], source: source, correlationID: correlationID, traceID: trace?.context.traceID,
                spanID: trace?.span, parentSpanID: trace?.parent, traceFlags: trace == nil ? nil : 0x01, attributes: attributes))
        eventOwners.append(Int32(fleet.flat(service, instance)))
        eventTimes.append(time)
    }

    /// The events sorted by written timestamp (ties keep the order they were written in), after
    /// losses, without what a stopped process could not have written, and with duplicated lines.
    mutating func finishedEvents() -> [Event] {
        var kept: [Int] = []
        kept.reserveCapacity(events.count)
        for index in events.indices where !noiseRNG.chance(spec.noise.dropRate) { kept.append(index) }
        if fleet.hasDowntime { kept.removeAll { wasDown(events[$0], owner: Int(eventOwners[$0]), at: eventTimes[$0]) } }
        if let duplicates = herrings.duplicates { kept = duplicate(kept, rate: duplicates.rate, sameIDShare: duplicates.sameIDShare) }
        // Sort indices, not events: an event is a large value and moving it is the expensive part.
        let times = events.map(\.timestamp.microsecondsSinceEpoch)
        kept.sort { (times[$0], $0) < (times[$1], $1) }
        return kept.map { events[$0] }
    }

    /// Whether the event's instance was down when it was written (a request that began before a
    /// crash cannot end after it). Lifecycle lines lie just outside the downtimes.
    func wasDown(_ event: Event, owner: Int, at time: Int64) -> Bool {
        var service = 0
        while service + 1 < fleet.offsets.count, fleet.offsets[service + 1] <= owner { service += 1 }
        return fleet.isDown(service, owner - fleet.offsets[service], at: time)
    }

    /// `kept` with some events written twice, right after the original: the identical line (a
    /// shipper resending a batch) or the same content under a new `event_id` (two log handlers).
    mutating func duplicate(_ kept: [Int], rate: Double, sameIDShare: Double) -> [Int] {
        var result = kept
        for index in kept where herringRNG.chance(rate) {
            var copy = events[index]
            if !herringRNG.chance(sameIDShare) {
                eventCounter += 1
                copy.eventID = eventIDPrefix + Self.hex16(eventCounter)
            }
            events.append(copy)
            eventOwners.append(eventOwners[index])
            eventTimes.append(eventTimes[index])
            result.append(events.count - 1)
        }
        return result
    }
}
