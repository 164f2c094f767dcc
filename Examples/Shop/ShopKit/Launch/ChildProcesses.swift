import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The processes a launcher started, so that every one of them (and only those) is stopped however
/// the launcher ends: SIGTERM first, SIGKILL after a grace period.
///
/// It keeps the `Process` objects rather than PIDs: Foundation reaps its children itself, so a bare
/// PID could already belong to another process by the time it is signalled.
public final class ChildProcesses: Sendable {
    /// One started process.
    public struct Child: Sendable {
        /// The name the launcher gave it (`pricing`, `logshipper-pricing`, `analyzer`).
        public var name: String
        /// The running process.
        public let process: Process

        /// Its process ID.
        public var pid: Int32 { process.processIdentifier }
    }

    private struct State {
        var children: [Child] = []
        /// Set once stopping began: nothing new starts after that (a Ctrl-C during start-up).
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// A start refused because the launcher is stopping.
    public struct Stopping: Error, CustomStringConvertible {
        public var description: String { "not starting more processes: stopping" }
    }

    /// Starts `executable` with `arguments`, stdout and stderr appended to the files `stdout` and
    /// `stderr`, or (both `nil`) shared with this process's own, so its output lands in order with ours.
    @discardableResult
    public func start(name: String, executable: String, arguments: [String], stdout: String?, stderr: String?,
                      environment: [String: String]? = nil) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = try stdout.map(Self.appending(to:)) ?? FileHandle.standardOutput
        process.standardError = stdout == stderr ? process.standardOutput : try stderr.map(Self.appending(to:)) ?? FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        // Checked and recorded under the lock, so a concurrent `stop` either sees this child or refuses it.
        return try state.withLock { state in
            guard !state.closed else { throw Stopping() }
            try process.run()
            let child = Child(name: name, process: process)
            state.children.append(child)
            return child
        }
    }

    /// Whether the process named `name` was started and is still running.
    public func isRunning(_ name: String) -> Bool {
        state.withLock { $0.children.contains { $0.name == name && $0.process.isRunning } }
    }

    /// Stops the named processes (all when `names` is nil, which also refuses later starts): SIGTERM,
    /// then SIGKILL after `grace`. Runs to the end even when the calling task is cancelled.
    public func stop(_ names: Set<String>? = nil, grace: Duration = .seconds(5)) async {
        let targets = state.withLock { state in
            if names == nil { state.closed = true }
            return state.children.filter { names?.contains($0.name) ?? true }
        }
        // Detached: a cancelled caller (a test's time limit) must still wait for its children.
        await Task.detached {
            for child in targets where child.process.isRunning { child.process.terminate() }
            let deadline = ContinuousClock.now + grace
            while targets.contains(where: { $0.process.isRunning }), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            for child in targets where child.process.isRunning { kill(child.pid, SIGKILL) }
            for child in targets { child.process.waitUntilExit() }
        }.value
        let stopped = Set(targets.map(\.pid))
        state.withLock { $0.children.removeAll { stopped.contains($0.pid) } }
    }

    /// SIGKILL to every child still running, without waiting: for a second Ctrl-C.
    public func killAllNow() {
        let children = state.withLock { state in
            state.closed = true
            return state.children
        }
        for child in children where child.process.isRunning { kill(child.pid, SIGKILL) }
    }

    private static func appending(to path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        _ = try? handle.seekToEnd()
        return handle
    }
}
