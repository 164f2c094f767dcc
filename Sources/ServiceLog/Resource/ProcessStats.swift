#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One reading of this process's counters from `/proc/self` (Linux).
public struct ProcessStats: Sendable, Hashable {
    /// Resident set size in bytes (`/proc/self/statm`, field 2, times the page size).
    public var residentBytes: Int
    /// User + system CPU time consumed so far, in seconds (`/proc/self/stat`, fields 14 and 15).
    public var cpuSeconds: Double
    /// Number of threads (`/proc/self/stat`, field 20).
    public var threads: Int
    /// Open file descriptors (entries in `/proc/self/fd`).
    public var openFDs: Int

    public init(residentBytes: Int, cpuSeconds: Double, threads: Int, openFDs: Int) {
        self.residentBytes = residentBytes
        self.cpuSeconds = cpuSeconds
        self.threads = threads
        self.openFDs = openFDs
    }

    /// Reads the current values; `nil` where `/proc` is not available.
    public static func read() -> ProcessStats? {
        guard let statm = readSmallFile("/proc/self/statm"), let stat = readSmallFile("/proc/self/stat") else { return nil }
        let statmFields = statm.split(separator: " ")
        guard statmFields.count >= 2, let residentPages = Int(statmFields[1]) else { return nil }
        // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state), so field N is rest[N - 3].
        guard rest.count > 17, let user = Double(rest[11]), let system = Double(rest[12]), let threads = Int(rest[17]) else {
            return nil
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ProcessStats(
            residentBytes: residentPages * Int(sysconf(Int32(_SC_PAGESIZE))),
            cpuSeconds: (user + system) / ticks,
            threads: threads,
            openFDs: countOpenFDs())
    }

    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self).trimmingASCIIWhitespace()
    }

    static func countOpenFDs() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if name != [46] && name != [46, 46] { count += 1 }
        }
        // Minus the descriptor opendir itself holds.
        return max(count - 1, 0)
    }
}
