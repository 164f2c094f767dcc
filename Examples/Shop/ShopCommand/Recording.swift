import Foundation
import Gzip
import ShopKit

/// `shop demo --record`: the services' event files, as written, in one gzip file that
/// `analyzer ingest` reads, so the incident can be analysed again without running anything.
enum Recording {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the events and returns how many lines it saved.
    static func save(launcher: ShopLauncher, to path: String) throws -> Int {
        var all: [UInt8] = []
        for service in launcher.topology.services {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: launcher.eventsFile(of: service.name))))
            // Up to the last newline: a line still being written would be a broken line for ingest.
            if let end = bytes.lastIndex(of: UInt8(ascii: "\n")) { all += bytes[...end] }
        }
        let lines = all.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        do {
            try Data(Gzip.compress(all, level: 9)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw Failed(description: "could not write \(path): \(error)")
        }
        return lines
    }
}
