import Foundation
import ShipperCore

/// The shipper's durable state: acknowledged stream positions and the spool's acknowledged cursor,
/// in one file so they can never disagree. Written atomically (temporary file, fsync, rename, fsync
/// of the directory) after every acknowledged batch.
public struct CheckpointFile: Sendable {
    /// The file's path (`<state dir>/checkpoint.json`).
    public let path: String

    /// What the file holds.
    public struct Contents: Sendable, Hashable, Codable {
        /// Format version, for future changes.
        public var version: Int = 1
        /// Positions after the last acknowledged record of each stream.
        public var checkpoint: Checkpoint
        /// Everything in the spool before this cursor is delivered.
        public var spool: SpoolCursor?

        /// Creates contents.
        public init(checkpoint: Checkpoint, spool: SpoolCursor?) {
            self.checkpoint = checkpoint
            self.spool = spool
        }
    }

    /// Names the file.
    public init(path: String) {
        self.path = path
    }

    /// Reads the file; empty contents when it does not exist yet (first start).
    public func load() throws -> Contents {
        guard FileIO.exists(path) else { return Contents(checkpoint: Checkpoint(), spool: nil) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            throw CheckpointFileError(path: path, reason: "\(error)")
        }
    }

    /// Replaces the file with `contents`, durably.
    public func save(_ contents: Contents) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try FileIO.replaceAtomically(path, with: Array(try encoder.encode(contents)))
    }
}

/// A checkpoint file that exists but cannot be read.
public struct CheckpointFileError: Error, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What is wrong with it.
    public var reason: String

    public var description: String {
        """
        cannot read the checkpoint \(path): \(reason). It is written atomically, so this is not a crash \
        artefact: restore it, or move it away to start over (every source is then read again from its \
        start; the analyzer drops the duplicates by event_id).
        """
    }
}
