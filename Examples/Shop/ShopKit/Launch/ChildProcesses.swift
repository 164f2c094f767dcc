import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The processes a launcher started, so that every one of them (and only those) is stopped, by PID,
/// however the launcher ends.
public final class ChildProcesses: Sendable {
    /// One started process.
    public struct Child: Sendable, Hashable {
        public var name: String
        public var pid: Int32
    }

    private let children = Mutex<[Child]>([])

    public init() {}

    /// Starts `executable` with `arguments`, stdout to `stdout` and stderr to `stderr` (appended).
    @discardableResult
    public func start(name: String, executable: String, arguments: [String], stdout: String, stderr: String,
                      environment: [String: String]? = nil) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = try Self.appending(to: stdout)
        process.standardError = stdout == stderr ? process.standardOutput : try Self.appending(to: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = Child(name: name, pid: process.processIdentifier)
        children.withLock { $0.append(child) }
        return child
    }

    /// The processes started and not yet stopped.
    public var running: [Child] {
        children.withLock { $0 }.filter { kill($0.pid, 0) == 0 && !Self.isZombie($0.pid) }
    }

    /// Whether `name` is still running.
    public func isRunning(_ name: String) -> Bool {
        running.contains { $0.name == name }
    }

    /// Stops the named processes (all when `names` is nil): SIGTERM, then SIGKILL after `grace`.
    public func stop(_ names: Set<String>? = nil, grace: Duration = .seconds(5)) async {
        let targets = children.withLock { list in
            let chosen = list.filter { names?.contains($0.name) ?? true }
            list.removeAll { chosen.contains($0) }
            return chosen
        }
        for child in targets { kill(child.pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        var remaining = targets
        while !remaining.isEmpty {
            remaining = remaining.filter { !Self.reap($0.pid) }
            if remaining.isEmpty { break }
            if ContinuousClock.now >= deadline {
                for child in remaining {
                    kill(child.pid, SIGKILL)
                    _ = Self.reap(child.pid, blocking: true)
                }
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends SIGKILL to everything at once, without waiting: for a signal handler's last word.
    public func killAllNow() {
        for child in children.withLock({ $0 }) { kill(child.pid, SIGKILL) }
    }

    /// Waits for `pid` if it has ended; true when it is gone.
    private static func reap(_ pid: Int32, blocking: Bool = false) -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        return result == pid || (result == -1 && errno == ECHILD)
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    private static func appending(to path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        return handle
    }
}
