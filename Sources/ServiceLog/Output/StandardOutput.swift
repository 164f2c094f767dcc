#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes lines to standard output (or another inherited descriptor): the container-style default,
/// captured by Docker, Kubernetes or systemd.
public struct StandardOutput: LogOutput {
    /// The descriptor written to (1 = stdout, 2 = stderr).
    public let fileDescriptor: Int32

    /// Also ignores `SIGPIPE` for the process: a closed stdout pipe must become a counted loss
    /// (`EPIPE`), not kill the service (NIO-based servers ignore it already).
    public init(fileDescriptor: Int32 = 1) {
        self.fileDescriptor = fileDescriptor
        signal(SIGPIPE, SIG_IGN)
    }

    public func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) {
        try writeFully(fileDescriptor, lines, operation: "write to fd \(fileDescriptor)")
    }
}
