import ShipperCore

/// A place in the spool: a segment and a byte offset in it. Everything before the acknowledged
/// cursor has been delivered.
public struct SpoolCursor: Sendable, Hashable, Codable, Comparable {
    /// Segment sequence number (the file `segment-<number>.spool`).
    public var segment: UInt64
    /// Byte offset in the segment.
    public var offset: Int

    /// Creates a cursor.
    public init(segment: UInt64, offset: Int) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (lhs: SpoolCursor, rhs: SpoolCursor) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }
}

/// One record read back from the spool: the batch and where it sits.
public struct SpooledBatch: Sendable, Hashable {
    /// The batch.
    public var batch: SpoolBatch
    /// Where the record starts.
    public var start: SpoolCursor
    /// Where the next record starts: the acknowledged cursor once this batch is delivered.
    public var end: SpoolCursor
    /// Bytes the record takes in the segment.
    public var recordBytes: Int { end.offset - start.offset }
}

/// What opening the spool found and repaired.
public struct SpoolRecovery: Sendable, Hashable {
    /// Undelivered batches kept from before the restart.
    public var pendingBatches = 0
    /// Their bytes on disk.
    public var pendingBytes = 0
    /// Bytes dropped from the spool because they were torn or damaged. Nothing is lost for it: the
    /// sources resume from the last intact batch and read those events again.
    public var damagedBytes = 0
    /// A sentence per repair, for the log.
    public var repairs: [String] = []
    /// Positions after the last intact batch of each stream: where the sources resume (they are
    /// ahead of the acknowledged checkpoint by what the spool still holds).
    public var resumePositions: [StreamID: StreamPosition] = [:]
}
