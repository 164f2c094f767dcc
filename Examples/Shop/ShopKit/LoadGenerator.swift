import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Sends shoppers' journeys to the gateway at a steady rate (open loop: a slow shop does not slow
/// the arrivals, as with real users) and counts the answers.
public final class LoadGenerator: Sendable {
    /// Figures so far, for the progress line.
    public struct Progress: Sendable, Hashable {
        public var sent = 0
        public var succeeded = 0
        public var failed = 0
        public var inFlight = 0
        /// Latencies of the answers since the last report, in ms.
        var recent: [Double] = []

        /// The median and 99th percentile of the recent answers.
        public var recentQuantiles: (p50: Double, p99: Double)? {
            guard !recent.isEmpty else { return nil }
            let sorted = recent.sorted()
            return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
        }
    }

    /// Where the journeys go.
    public let gatewayURL: String
    /// Which journeys, how often.
    public let mix: JourneyMix
    /// Journeys started per second.
    public let rate: Double
    /// Requests a journey may take before it counts as failed.
    public let timeout: TimeAmount
    private let state = Mutex(Progress())

    public init(gatewayURL: String, mix: JourneyMix = .typical, rate: Double = 10, timeout: TimeAmount = .seconds(5)) {
        self.gatewayURL = gatewayURL
        self.mix = mix
        self.rate = rate
        self.timeout = timeout
    }

    /// Runs until the task is cancelled (or `duration` passed), then waits for journeys in flight.
    /// `http` should allow many connections per host (``ShopHTTP/makeClient()``): the shared client's
    /// 8 would hold the arrivals back, which is not what real users do.
    public func run(for duration: Duration? = nil, http: HTTPClient) async {
        let interval = Duration.seconds(1 / max(rate, 0.01))
        let clock = ContinuousClock()
        let start = clock.now
        var next = start
        // A discarding group: finished journeys are freed at once, however long the run.
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                if let duration, clock.now - start >= duration { break }
                next += interval
                try? await clock.sleep(until: next)
                if Task.isCancelled { break }
                let journey = mix.pick(Double.random(in: 0..<1))
                let call = journey.request(user: Int.random(in: 1...200), product: Int.random(in: 1...500))
                group.addTask { await self.send(call, http: http) }
            }
        }
    }

    private func send(_ call: (method: String, path: String), http: HTTPClient) async {
        state.withLock {
            $0.sent += 1
            $0.inFlight += 1
        }
        var request = HTTPClientRequest(url: gatewayURL + call.path)
        request.method = .init(rawValue: call.method)
        let started = ContinuousClock.now
        var ok = false
        if let response = try? await http.execute(request, timeout: timeout) {
            ok = (200..<300).contains(response.status.code)
            _ = try? await response.body.collect(upTo: 1 << 20)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed / .milliseconds(1)
        state.withLock {
            $0.inFlight -= 1
            if ok { $0.succeeded += 1 } else { $0.failed += 1 }
            $0.recent.append(milliseconds)
        }
    }

    /// The figures so far; the recent latencies are reset for the next report.
    public func takeProgress() -> Progress {
        state.withLock { progress in
            let copy = progress
            progress.recent.removeAll(keepingCapacity: true)
            return copy
        }
    }
}
