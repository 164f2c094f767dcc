import Foundation

/// The progress line `analyzer ingest` writes to standard error while it loads a file: bytes read of
/// the total, events parsed and their rate.
///
/// Small files finish before the first update, so they print nothing. On a terminal the line is
/// redrawn in place (`\r`) at most every 500 ms; otherwise (a log, CI) a plain line is appended at most
/// every 5 s, so that a long load does not flood the log.
struct IngestProgress {
    private let enabled: Bool
    private let isTerminal: Bool
    private let interval: Duration
    private let clock = ContinuousClock()
    private var fileStart: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    /// Whether a `\r` line is on the screen and must be erased before other output.
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
        isTerminal = isatty(2) == 1
        interval = isTerminal ? .milliseconds(500) : .seconds(5)
        fileStart = clock.now
    }

    /// Restarts the timing for a new file.
    mutating func startFile() {
        fileStart = clock.now
        lastDraw = nil
    }

    /// Redraws the line if it is due. Cheap when it is not: one clock read.
    mutating func update(file: String, bytesRead: Int, totalBytes: Int?, events: Int) {
        guard enabled else { return }
        let now = clock.now
        let elapsed = now - fileStart
        guard elapsed >= .milliseconds(500) else { return }
        if let lastDraw, now - lastDraw < interval { return }
        lastDraw = now
        var text = "\(file): \(Self.mebibytes(bytesRead))"
        if let totalBytes, totalBytes > 0 {
            text += " of \(Self.mebibytes(totalBytes)) (\(min(100, bytesRead * 100 / totalBytes))%)"
        } else {
            text += " read"
        }
        text += ", \(events) events, \(Self.rate(events, in: elapsed)) events/s"
        if isTerminal {
            Self.writeStandardError("\r" + text + "\u{1B}[K")
            drawn = true
        } else {
            Self.writeStandardError(text + "\n")
        }
    }

    /// Erases the line on a terminal, before the summary is printed.
    mutating func clear() {
        guard drawn else { return }
        Self.writeStandardError("\r\u{1B}[K")
        drawn = false
    }

    /// `count` per second over `elapsed`, rounded.
    static func rate(_ count: Int, in elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Int((Double(count) / seconds).rounded()) : 0
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// Writes to file descriptor 2 directly: the C `stderr` global is not usable under strict concurrency.
    static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
