import Hummingbird
import ServiceLifecycle

/// Streams events to a browser as `text/event-stream` (Server-Sent Events).
///
/// The response starts with `retry: 2000` (browsers reconnect after 2 s) and the `initial` events,
/// then forwards `events` as they come, with a `: keep-alive` comment every 15 s so that proxies keep
/// the connection and a vanished client is noticed (the write fails and the stream stops). It ends
/// when `events` ends, the client goes, or the server shuts down gracefully.
enum ServerSentEvents {
    static let heartbeat: Duration = .seconds(15)

    static func response<Events: AsyncSequence & Sendable>(
        initial: [DashboardEvent] = [], events: Events
    ) -> Response where Events.Element == DashboardEvent {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n" + initial.map(\.wireText).joined()))
                let (chunks, output) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(512))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // The source ends at graceful shutdown too, so an open page never holds the server up.
                        try? await cancelWhenGracefulShutdown {
                            for try await event in events { output.yield(event.wireText) }
                        }
                        output.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: heartbeat)
                            output.yield(": keep-alive\n\n")
                        }
                    }
                    for await chunk in chunks {
                        try await writer.write(ByteBuffer(string: chunk))
                    }
                    group.cancelAll()
                }
                try await writer.finish(nil)
            })
    }
}
