import Foundation
import Glibc
import ShipperFileSource

/// A fresh temporary directory per test, with the file operations the tests need (plain syscalls, so
/// that what happens to inodes is explicit), removed at the end.
final class TestDirectory {
    let path: String

    init() {
        var template = Array("/tmp/filesource-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed: \(errno)")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `name` in the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// A configuration for `pattern` in this directory, with waits short enough for tests.
    func configuration(
        _ pattern: String = "*.log", exclude: [String] = [], maxLineBytes: Int = 1_048_576,
        fingerprintBytes: Int = 256, readChunkBytes: Int = 65_536, startAtEnd: Bool = false,
        useInotify: Bool = true
    ) -> FileSourceConfiguration {
        FileSourceConfiguration(
            include: [file(pattern)], exclude: exclude, maxLineBytes: maxLineBytes,
            fingerprintBytes: fingerprintBytes, readChunkBytes: readChunkBytes,
            rotateWait: .milliseconds(200), rescanInterval: .milliseconds(100), startAtEnd: startAtEnd,
            useInotify: useInotify)
    }

    /// Creates (or empties) `name` and writes `text` to it.
    func write(_ name: String, _ text: String) {
        write(name, Array(text.utf8), flags: O_CREAT | O_TRUNC)
    }

    /// Appends `text` to `name`, creating it if needed.
    func append(_ name: String, _ text: String) {
        write(name, Array(text.utf8), flags: O_CREAT | O_APPEND)
    }

    /// Appends raw bytes to `name`, creating it if needed.
    func append(_ name: String, bytes: [UInt8]) {
        write(name, bytes, flags: O_CREAT | O_APPEND)
    }

    func rename(_ from: String, _ to: String) {
        precondition(Glibc.rename(file(from), file(to)) == 0, "rename failed: \(errno)")
    }

    func remove(_ name: String) {
        precondition(unlink(file(name)) == 0, "unlink failed: \(errno)")
    }

    func copy(_ from: String, _ to: String) {
        let data = FileManager.default.contents(atPath: file(from)) ?? Data()
        write(to, Array(data), flags: O_CREAT | O_TRUNC)
    }

    /// Truncates `name` in place to `size` bytes (same inode), like logrotate's copytruncate.
    func truncate(_ name: String, to size: Int = 0) {
        precondition(Glibc.truncate(file(name), off_t(size)) == 0, "truncate failed: \(errno)")
    }

    func makeDirectory(_ name: String) {
        precondition(mkdir(file(name), 0o755) == 0, "mkdir failed: \(errno)")
    }

    func symlink(_ name: String, to target: String) {
        precondition(Glibc.symlink(target, file(name)) == 0, "symlink failed: \(errno)")
    }

    /// Device and inode of `name`.
    func identity(_ name: String) -> (device: UInt64, inode: UInt64) {
        var status = stat()
        precondition(stat(file(name), &status) == 0, "stat failed: \(errno)")
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    private func write(_ name: String, _ bytes: [UInt8], flags: Int32) {
        let fd = open(file(name), O_WRONLY | O_CLOEXEC | flags, 0o644)
        precondition(fd >= 0, "open \(name) failed: \(errno)")
        defer { close(fd) }
        LogWriter.writeAll(fd, bytes)
    }
}
