import Glibc

/// A writer that keeps its file open (O_APPEND) like a logging process, so it goes on writing to the
/// same inode after the file is renamed or deleted.
final class LogWriter {
    private let fd: Int32

    init(_ path: String) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path) failed: \(errno)")
    }

    deinit { close(fd) }

    func write(_ text: String) { Self.writeAll(fd, Array(text.utf8)) }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            precondition(n > 0, "write failed: \(errno)")
            offset += n
        }
    }
}
