#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ServiceLog

/// Where events that the receiver will never accept go, with the reason, instead of an endless retry
/// loop that would block everything behind them.
///
/// NDJSON, one line per event: `{"dead_lettered_at":"…","status":400,"reason":"…","event":{…}}`. The
/// `event` is the canonical line as it was sent, so `jq -c .event dead-letter.ndjson` replays them.
public final class DeadLetterFile: Sendable {
    /// The file's path (`<state dir>/dead-letter.ndjson`).
    public let path: String

    /// Names the file; it is created on first use.
    public init(path: String) {
        self.path = path
    }

    /// Appends `lines` (canonical event lines without newlines) durably, with why they were refused.
    public func append(lines: [ArraySlice<UInt8>], status: Int?, reason: String, at time: Timestamp = .now()) throws {
        var out = OutputBuffer(capacity: 4096)
        for line in lines {
            out.append(ascii: "{\"dead_lettered_at\":")
            JSONWriter.writeString(time.description, limit: 64, into: &out)
            if let status {
                out.append(ascii: ",\"status\":")
                JSONWriter.writeValue(.int(Int64(status)), stringLimit: 64, depth: 1, into: &out)
            }
            out.append(ascii: ",\"reason\":")
            JSONWriter.writeString(reason, limit: 4096, into: &out)
            out.append(ascii: ",\"event\":")
            line.withUnsafeBytes { out.append($0) }
            out.append(ascii: "}\n")
        }
        let fd = try FileIO.open(path, flags: O_WRONLY | O_CREAT | O_APPEND)
        defer { Glibc.close(fd) }
        let path = path
        let failure: SpoolError? = out.withBytes { bytes in
            do throws(SpoolError) { try FileIO.writeAll(fd, bytes, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        try FileIO.sync(fd, path: path)
    }
}
