import ArgumentParser
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

    /// What a failed bind says to the operator.
    static func message(_ error: any Error, host: String, port: Int) -> String {
        if let io = error as? IOError, io.errnoCode == 98 /* EADDRINUSE */ {
            return "cannot listen on \(host):\(port) (--host/--port): the address is already in use. "
                + "Stop what listens there (ss -ltnp 'sport = :\(port)' shows it) or choose another --port."
        }
        if let io = error as? IOError, io.errnoCode == 13 /* EACCES */ {
            return "cannot listen on \(host):\(port) (--host/--port): permission denied (ports below 1024 need privileges); choose a --port above 1023."
        }
        return "cannot listen on \(host):\(port) (--host/--port): \(error)"
    }
}
