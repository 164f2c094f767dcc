import Logging

/// Guesses the level of a plain-text log line, only where it is obvious.
///
/// A syslog priority other than 6 wins when the source has one (6, info, is also the default journald
/// gives captured stdout, so it says nothing). Otherwise the first 64 bytes are searched for a level
/// word set apart like a level (`ERROR`, `[warn]`, `level=error`); anything else is `info`. Guessing
/// `error` for a line that merely mentions "error" deep inside would make the analyzer see errors that
/// are not there, hence the short window and the word boundaries.
public enum LevelGuess {
    /// The level for a line of text, or for a syslog `priority` (0 emerg ... 7 debug) when known.
    public static func level(of bytes: [UInt8], priority: Int?) -> Logger.Level {
        bytes.withUnsafeBytes { level(of: $0, priority: priority) }
    }

    /// The same over raw bytes. Runs for every wrapped line, so it allocates nothing: the window is a
    /// view of the line and words are compared byte by byte, case folded.
    public static func level(of bytes: UnsafeRawBufferPointer, priority: Int?) -> Logger.Level {
        // 6 (info) is also what journald gives every line a daemon prints to stdout, so it says
        // nothing: the text decides then. Any other priority was chosen by the writer and wins.
        if let priority, priority != 6 { return level(priority: priority) }
        let window = UnsafeRawBufferPointer(rebasing: bytes.prefix(64))
        var index = 0
        while index < window.count {
            guard isLetter(window[index]) else {
                index += 1
                continue
            }
            let wordStart = index
            while index < window.count, isLetter(window[index]) { index += 1 }
            let before = wordStart == 0 ? nil : window[wordStart - 1]
            let after = index == window.count ? nil : window[index]
            guard index - wordStart <= 8, opensWord(before), closesWord(after) else { continue }
            if let level = level(word: UnsafeRawBufferPointer(rebasing: window[wordStart..<index])) { return level }
        }
        return .info
    }

    /// The swift-log level of a syslog priority.
    public static func level(priority: Int) -> Logger.Level {
        switch priority {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }

    // `/api/error` is a path, `error_count=3` a field: only words set apart like a level are levels.
    private static func opensWord(_ byte: UInt8?) -> Bool {
        guard let byte else { return true }
        return byte == 0x20 || byte == 0x09 || byte == 0x5b || byte == 0x28 || byte == 0x3c || byte == 0x3d
            || byte == 0x7c || byte == 0x22
    }

    private static func closesWord(_ byte: UInt8?) -> Bool {
        guard let byte else { return true }
        return byte == 0x20 || byte == 0x09 || byte == 0x5d || byte == 0x29 || byte == 0x3e || byte == 0x3a
            || byte == 0x7c || byte == 0x22 || byte == 0x2c
    }

    private static let words: [(word: StaticString, level: Logger.Level)] = [
        ("fatal", .critical), ("critical", .critical), ("crit", .critical), ("panic", .critical), ("emerg", .critical),
        ("alert", .critical), ("error", .error), ("err", .error), ("warn", .warning), ("warning", .warning),
        ("notice", .notice), ("debug", .debug), ("trace", .trace), ("info", .info),
    ]

    /// The level a word of ASCII letters names, compared case-insensitively.
    private static func level(word: UnsafeRawBufferPointer) -> Logger.Level? {
        candidates: for (name, level) in words where name.utf8CodeUnitCount == word.count {
            for offset in 0..<word.count where word[offset] | 0x20 != name.utf8Start[offset] { continue candidates }
            return level
        }
        return nil
    }
}
