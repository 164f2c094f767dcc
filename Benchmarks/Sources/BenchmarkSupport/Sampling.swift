/// How many operations one benchmark sample performs. The benchmarks use these as their scaling
/// factor, and `compare` divides the per-sample figures by them: one definition, so the two agree.
public enum Sampling {
    /// Events per sample when measuring one event's cost (`.kilo`).
    public static let eventsPerSample = 1_000
    /// Events per sample when the writer's flush is inside the measured region (scaling factor `.one`:
    /// the plugin's table shows whole samples). Large enough that the flush's wake-up latency
    /// (~0.2-0.4 ms) is noise and that `cpuTotal` (10 ms ticks on Linux) resolves; small enough that a
    /// sample stays under a second (the JMH export drops a benchmark whose throughput rounds to 0/s).
    public static let pipelineEventsPerSample = 100_000
    /// Calls per sample below the log level (`.mega`): each costs nanoseconds.
    public static let belowLevelCallsPerSample = 1_000_000
    /// Operations per sample in the breakdown (`.kilo`).
    public static let breakdownOperationsPerSample = 1_000
}
