import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a file and rotates it by size: `app.log` -> `app.log.1` -> ... -> `app.log.N`.
///
/// Rotation renames (never copies and truncates), so a shipper following the file by inode reads the
/// old file to its end and then the new one without losing or repeating a line. A batch is never split
/// across two files: the file is rotated before a write that would cross the limit, so every file holds
/// whole lines.
public final class RotatingFileOutput: LogOutput {
    struct State {
        var fd: Int32
        var size: Int
    }

    /// The path of the live file.
    public let path: String
    /// Rotate when the live file would grow past this many bytes.
    public let maxBytes: Int
    /// How many rotated files are kept (`path.1` ... `path.N`); older ones are deleted.
    public let maxFiles: Int
    /// Whether `flush()` calls `fsync` (durable on power loss, slower).
    public let syncOnFlush: Bool
    private let state: Mutex<State>

    /// Opens (creating if needed) `path` for appending.
    /// - Throws: ``LogOutputError`` if the file cannot be opened, e.g. the directory does not exist.
    public init(path: String, maxBytes: Int = 64 << 20, maxFiles: Int = 5, syncOnFlush: Bool = false) throws(LogOutputError) {
        self.path = path
        self.maxBytes = max(maxBytes, 1024)
        self.maxFiles = max(maxFiles, 1)
        self.syncOnFlush = syncOnFlush
        let fd = try Self.open(path)
        self.state = Mutex(State(fd: fd, size: Self.size(of: fd)))
    }

    deinit {
        state.withLock { _ = close($0.fd) }
    }

    public func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        try state.withLock { (state) throws(LogOutputError) in
            if state.size > 0 && state.size + lines.count > maxBytes {
                try rotate(&state)
            }
            try writeFully(state.fd, lines, operation: "write \(path)")
            state.size += lines.count
        }
    }

    public func flush() throws(LogOutputError) {
        guard syncOnFlush else { return }
        try state.withLock { (state) throws(LogOutputError) in
            if fsync(state.fd) != 0 { throw LogOutputError.errno(errno, operation: "fsync \(path)") }
        }
    }

    private func rotate(_ state: inout State) throws(LogOutputError) {
        // Someone deleted or moved the live file (a common reflex on a full disk): start a new one
        // instead of shifting the history and failing on the rename.
        if Self.inode(ofPath: path) != Self.inode(of: state.fd) {
            let newFD = try Self.open(path)
            close(state.fd)
            state.fd = newFD
            state.size = Self.size(of: newFD)
            return
        }
        unlink("\(path).\(maxFiles)")
        if maxFiles > 1 {
            for index in stride(from: maxFiles - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
        }
        if rename(path, "\(path).1") != 0 {
            throw LogOutputError.errno(errno, operation: "rotate \(path)")
        }
        let newFD = try Self.open(path)
        close(state.fd)
        state.fd = newFD
        state.size = 0
    }

    private static func open(_ path: String) throws(LogOutputError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw LogOutputError.errno(errno, operation: "open \(path)") }
        return fd
    }

    /// The inode at `path`, or 0 when nothing is there.
    private static func inode(ofPath path: String) -> ino_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_ino : 0
    }

    private static func inode(of fd: Int32) -> ino_t {
        var info = stat()
        return fstat(fd, &info) == 0 ? info.st_ino : 0
    }

    private static func size(of fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }
}
