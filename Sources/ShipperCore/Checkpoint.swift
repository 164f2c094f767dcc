/// The acknowledged position of every stream: what a restarted shipper resumes from.
public struct Checkpoint: Sendable, Hashable, Codable {
    /// Position after the last acknowledged record of each stream.
    public var positions: [StreamID: StreamPosition]

    /// Creates a checkpoint.
    public init(positions: [StreamID: StreamPosition] = [:]) {
        self.positions = positions
    }

    /// The position of `stream`, if any record of it was acknowledged.
    public subscript(stream: StreamID) -> StreamPosition? {
        get { positions[stream] }
        set { positions[stream] = newValue }
    }

    /// Records that everything up to and including `record` is done with.
    public mutating func advance(past record: SourceRecord) {
        positions[record.stream] = record.position
    }
}
