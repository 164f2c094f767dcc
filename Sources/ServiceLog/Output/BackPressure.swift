/// What a log call does when the writer's buffer is full because the output cannot keep up (a stuck
/// pipe, a full disk being retried).
public enum BackPressure: Sendable, Hashable {
    /// Wait until the writer has made room. Nothing is dropped for lack of room; a stuck output slows
    /// the service down. (An output that keeps failing is retried for about a minute, then its lines
    /// are counted as lost and reported, so a dead output cannot hang the service forever.)
    /// The default, because events are what diagnoses the incident that made the output slow.
    case block
    /// Drop the event and count it. The count is written as a `warning` `log` event with
    /// `dropped_events` as soon as there is room again, so the loss is visible in the stream itself.
    case drop
}
