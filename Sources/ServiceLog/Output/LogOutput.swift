/// Where encoded lines go: stdout, a rotating file, journald, or anything else.
///
/// A ``LineWriter`` calls an output from its own background thread, one call at a time, with whole lines
/// (each ending in `\n`); the service's tasks never wait on an output's I/O unless the writer's buffer is
/// full (see ``BackPressure``).
public protocol LogOutput: Sendable {
    /// Writes one or more complete lines. Throwing ``LogOutputError`` says whether retrying can help.
    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError)
    /// Makes what was written durable or visible (e.g. `fsync`). Called by ``LineWriter/flush()``.
    func flush() throws(LogOutputError)
}

extension LogOutput {
    public func flush() throws(LogOutputError) {}
}

/// A failed write, classified so the writer knows whether to retry (a full disk may clear) or to count
/// the lines as lost (a closed pipe will not come back).
public struct LogOutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `write /var/log/x.log: No space left on device`.
    public var message: String
    /// Whether retrying the same write later can succeed.
    public var isRetryable: Bool
    /// How many bytes of the chunk were written before the failure: a retry resumes after them, so a
    /// short write followed by an error never duplicates or splits a line.
    public var bytesWritten: Int

    public init(message: String, isRetryable: Bool, bytesWritten: Int = 0) {
        self.message = message
        self.isRetryable = isRetryable
        self.bytesWritten = bytesWritten
    }

    public var description: String { message }

    /// Classifies an `errno` from a write.
    public static func errno(_ code: Int32, operation: String) -> LogOutputError {
        let text = String(cString: strerror(code))
        let retryable = code == ENOSPC || code == EDQUOT || code == EAGAIN || code == EINTR || code == EIO || code == ENOMEM
        return LogOutputError(message: "\(operation): \(text)", isRetryable: retryable)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`.
func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, operation: @autoclosure () -> String) throws(LogOutputError) {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN {
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 100)
                continue
            }
            var error = LogOutputError.errno(code, operation: operation())
            error.bytesWritten = offset
            throw error
        }
        offset += written
    }
}

/// Writes a diagnostic line to stderr (fd 2) without going through the logging system.
func writeDiagnostic(_ text: String) {
    var line = "servicelog: " + text + "\n"
    line.withUTF8 { try? writeFully(2, UnsafeRawBufferPointer($0), operation: "stderr") }
}
