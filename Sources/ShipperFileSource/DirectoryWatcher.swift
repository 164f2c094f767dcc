import Glibc

/// Wakes the source when something happens in the watched directories (inotify), or after a short
/// sleep when inotify is unavailable.
final class DirectoryWatcher {
    /// How often to look at files when there is no inotify.
    static let fallbackInterval: Duration = .milliseconds(250)
    /// Events that can add or remove a matching file: they call for a rescan of the patterns.
    private static let structuralEvents: UInt32 =
        UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_Q_OVERFLOW) | UInt32(IN_IGNORED)
    private static let watchedEvents: UInt32 =
        UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE)
        | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        | UInt32(IN_ONLYDIR)

    /// The inotify descriptor; -1 when polling.
    private var fd: Int32
    private var watches: [String: Int32] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens inotify when `enabled`; `errorText` says why it could not be opened.
    init(enabled: Bool) {
        fd = enabled ? inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC)) : -1
        errorText = enabled && fd < 0 ? SystemError.text(errno) : nil
    }

    deinit { close() }

    /// Why inotify could not be used, when it was wanted.
    let errorText: String?
    /// Whether events come from inotify (else the caller polls every ``fallbackInterval``).
    var usesInotify: Bool { fd >= 0 }

    /// Watches exactly `directories`, skipping those that do not exist (yet).
    func watch(_ directories: Set<String>) {
        guard fd >= 0 else { return }
        for (directory, descriptor) in watches where !directories.contains(directory) {
            inotify_rm_watch(fd, descriptor)
            watches[directory] = nil
        }
        for directory in directories where watches[directory] == nil {
            let descriptor = inotify_add_watch(fd, directory, Self.watchedEvents)
            if descriptor >= 0 { watches[directory] = descriptor }
        }
    }

    /// Reads every pending event; returns whether one of them calls for a rescan.
    func drain() -> Bool {
        guard fd >= 0 else { return false }
        var rescan = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                // struct inotify_event: wd, mask, cookie, len (4 bytes each), then len bytes of name.
                while offset + 16 <= count {
                    let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let nameLength = bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    if mask & Self.structuralEvents != 0 { rescan = true }
                    if mask & UInt32(IN_IGNORED) != 0 {
                        // The directory went away; the rescan adds it again if it comes back.
                        if let entry = watches.first(where: { $0.value == watch }) { watches[entry.key] = nil }
                    }
                    offset += 16 + Int(nameLength)
                }
            }
        }
        return rescan
    }

    /// Sleeps until an event arrives or `timeout` passes.
    func wait(_ timeout: Duration) {
        let milliseconds = Self.milliseconds(timeout)
        guard milliseconds > 0 else { return }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if fd >= 0 {
            _ = poll(&entry, 1, milliseconds)
        } else {
            _ = poll(nil, 0, milliseconds)
        }
    }

    /// Closes the inotify descriptor.
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        watches = [:]
    }

    /// `timeout` in whole milliseconds, rounded up so that a short wait does not become a busy loop.
    static func milliseconds(_ timeout: Duration) -> Int32 {
        guard timeout > .zero else { return 0 }
        let (seconds, attoseconds) = timeout.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }
}
