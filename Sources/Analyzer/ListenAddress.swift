import ArgumentParser
import Glibc
import NIOCore
import NIOPosix

/// Checks that `serve` can listen before it creates or opens anything (the store, its log), so a port
/// in use fails with the address and the flag, and leaves no files behind.
enum ListenAddress {
    /// Binds `host:port` the way the server will, and lets go of it at once.
    static func checkAvailable(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw ValidationError(message(error, host: host, port: port))
        }
    }

    /// Whether a bind failed because something else listens there.
    static func isAddressInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }

    /// What a failed bind says to the operator.
    static func message(_ error: any Error, host: String, port: Int) -> String {
        if isAddressInUse(error) {
            return "cannot listen on \(host):\(port) (--host/--port): the address is already in use. "
                + "Stop what listens there (ss -ltnp 'sport = :\(port)' shows it) or choose another --port."
        }
        if (error as? IOError)?.errnoCode == EACCES {
            return "cannot listen on \(host):\(port) (--host/--port): permission denied (ports below 1024 need privileges); choose a --port above 1023."
        }
        return "cannot listen on \(host):\(port) (--host/--port): \(error)"
    }
}
