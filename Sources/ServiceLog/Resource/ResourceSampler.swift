import Logging

/// Writes a `resource` event every `interval` with the process's memory, CPU, threads and open files,
/// plus any gauges the service reports (pool usage, queue depth, ...).
///
/// ```swift
/// let sampler = ResourceSampler(logger: logger, interval: .seconds(10)) { ["pool_in_use": Double(pool.inUse)] }
/// Task { await sampler.run() }   // until the task is cancelled
/// ```
public struct ResourceSampler: Sendable {
    /// The logger the events are written with.
    public let logger: Logger
    /// Time between samples.
    public let interval: Duration
    /// Extra gauges read at every sample.
    public let gauges: @Sendable () -> [String: Double]

    public init(logger: Logger, interval: Duration = .seconds(10), gauges: @escaping @Sendable () -> [String: Double] = { [:] }) {
        self.logger = logger
        self.interval = interval
        self.gauges = gauges
    }

    /// Samples until the surrounding task is cancelled. The first event comes after one interval, so
    /// that its `cpu_percent` covers a full interval.
    public func run() async {
        var previous = ProcessStats.read()
        var previousTime = ContinuousClock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let now = ContinuousClock.now
            guard let current = ProcessStats.read() else { continue }
            if let sample = Self.sample(current: current, previous: previous, elapsed: now - previousTime, gauges: gauges()) {
                logger.resource(sample)
            }
            previous = current
            previousTime = now
        }
    }

    /// Builds a sample from two readings; `cpu_percent` is CPU seconds used per wall second, times 100.
    public static func sample(current: ProcessStats, previous: ProcessStats?, elapsed: Duration, gauges: [String: Double]) -> ResourceSample? {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var cpu = 0.0
        if let previous, seconds > 0 {
            cpu = max(0, (current.cpuSeconds - previous.cpuSeconds) / seconds * 100)
        }
        return ResourceSample(
            memoryMB: (Double(current.residentBytes) / 1_048_576 * 100).rounded() / 100,
            cpuPercent: (cpu * 100).rounded() / 100,
            threads: current.threads, openFDs: current.openFDs, gauges: gauges)
    }
}
