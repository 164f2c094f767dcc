import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a server can listen before its binary creates or opens anything (a store, a spool, its
/// log), so that a port in use fails with the address and the setting to change, and leaves no files
/// behind. Shared by `analyzer serve` and `logshipper`'s `/metrics`.
public enum ListenAddress {
    /// A bind that failed, described for the operator.
    public struct Unavailable: Error, CustomStringConvertible {
        /// The sentence to print: address, setting, cause and what to do.
        public var description: String
    }

    /// Binds `host:port` the way the server will, and lets go of it at once.
    ///
    /// - Parameter setting: how the user sets this address, named in the message (e.g. `--host/--port`).
    public static func checkAvailable(host: String, port: Int, setting: String) async throws(Unavailable) {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw Unavailable(description: message(error, host: host, port: port, setting: setting))
        }
    }

    /// Whether a bind failed because something else listens there.
    public static func isAddressInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }

    /// What a failed bind says to the operator.
    public static func message(_ error: any Error, host: String, port: Int, setting: String) -> String {
        if isAddressInUse(error) {
            return "cannot listen on \(host):\(port) (\(setting)): the address is already in use. "
                + "Stop what listens there (ss -ltnp 'sport = :\(port)' shows it) or choose another port (\(setting))."
        }
        if (error as? IOError)?.errnoCode == EACCES {
            return "cannot listen on \(host):\(port) (\(setting)): permission denied (ports below 1024 need privileges); choose a port above 1023."
        }
        return "cannot listen on \(host):\(port) (\(setting)): \(error)"
    }
}
