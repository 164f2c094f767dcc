#if canImport(Glibc)
import Glibc
#endif

/// Whether a loopback port can be bound now.
public enum LoopbackPort {
    /// True when nothing listens on `127.0.0.1:port` (a bind succeeds; the socket is closed at once).
    public static func isFree(_ port: Int) -> Bool {
        bound(port) != nil
    }

    /// A port free now, chosen by the kernel (bind to port 0), or `nil`.
    public static func any() -> Int? {
        bound(0)
    }

    /// Binds a socket to `127.0.0.1:port`, closes it, and returns the port it got, or `nil`.
    private static func bound(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
