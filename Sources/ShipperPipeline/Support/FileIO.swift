#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file calls the spool, checkpoints and dead letters need, with errors that name the
/// operation and the path (a full disk must say "disk full" and where).
enum FileIO {
    static func error(_ operation: String, _ path: String, errno code: Int32 = errno) -> SpoolError {
        .io(operation: operation, path: path, reason: String(cString: strerror(code)))
    }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o640) throws(SpoolError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw error("open", path) }
        return fd
    }

    /// Writes all of `bytes` at the current offset, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SpoolError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SpoolError) {
        let failure: SpoolError? = bytes.withUnsafeBytes { buffer in
            do throws(SpoolError) { try writeAll(fd, buffer, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Reads exactly `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(SpoolError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = result.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if got == 0 { break }
            done += got
        }
        result.removeLast(count - done)
        return result
    }

    static func sync(_ fd: Int32, path: String) throws(SpoolError) {
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Makes a create, rename or unlink inside `directory` durable.
    static func syncDirectory(_ directory: String) throws(SpoolError) {
        let fd = try open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(fd) }
        try sync(fd, path: directory)
    }

    static func size(_ fd: Int32, path: String) throws(SpoolError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("stat", path) }
        return Int(info.st_size)
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(SpoolError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw error("truncate", path) }
    }

    static func createDirectory(_ path: String) throws(SpoolError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o750) != 0, errno != EEXIST { throw error("create directory", prefix) }
        }
    }

    static func listDirectory(_ path: String) throws(SpoolError) -> [String] {
        guard let dir = opendir(path) else { throw error("list", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Replaces `path` with `bytes` so that a crash leaves either the old or the new content, never a
    /// mix: write a temporary file, fsync it, rename it over, fsync the directory.
    static func replaceAtomically(_ path: String, with bytes: [UInt8]) throws(SpoolError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, bytes, path: temporary)
            try sync(fd, path: temporary)
        } catch {
            Glibc.close(fd)
            throw error
        }
        Glibc.close(fd)
        guard rename(temporary, path) == 0 else { throw error("rename", temporary) }
        try syncDirectory(directoryName(of: path))
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}
