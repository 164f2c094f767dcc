import Dispatch
import ShipperCore
import ShipperHTTPSink
import Synchronization

/// Drives an `HTTPSink` from a serial dispatch queue.
///
/// `deliver` blocks in `curl_easy_perform`; on the cooperative pool (two threads on this machine) a few
/// blocked tests would starve the Hummingbird handlers they are waiting for. The mutex makes the
/// non-Sendable sink shareable without `@unchecked`; the serial queue keeps it on one thread at a time.
final class SinkRunner: Sendable {
    private let sink: Mutex<HTTPSink>
    private let queue = DispatchQueue(label: "http-sink-test")

    init(_ configuration: HTTPSinkConfiguration) throws {
        sink = Mutex(try HTTPSink(configuration: configuration))
    }

    /// One `HTTPSink.deliver`, run on the queue.
    func deliver(_ payload: BatchPayload) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.sink.withLock { $0.deliver(payload) })
            }
        }
    }

    /// The sink's `connectionsOpened`.
    var connectionsOpened: Int { sink.withLock { $0.connectionsOpened } }

    /// The sink's `url`.
    var url: String { sink.withLock { $0.url } }
}

extension BatchPayload {
    /// Plain NDJSON.
    static func ndjson(_ text: String, events: Int = 1) -> BatchPayload {
        BatchPayload(body: Array(text.utf8), contentEncoding: nil, eventCount: events)
    }
}

extension DeliveryOutcome {
    /// The reason of a retryable, tooLarge or rejected outcome.
    var reason: String? {
        switch self {
        case .acknowledged: nil
        case .retryable(let reason, _), .tooLarge(let reason), .rejected(_, let reason): reason
        }
    }
}
