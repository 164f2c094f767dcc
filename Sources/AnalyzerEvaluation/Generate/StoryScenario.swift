import AnalyzerCore

/// The article's story as a scenario: a low-intensity memory leak in `pricing`, two hops below the
/// entry (`gateway → catalog → pricing`), that users do not feel until another caller surges: the
/// recommendations refresh job calls pricing sixteen times as often for three minutes, the
/// leak fills the heap, the collector pauses, catalog's calls to pricing time out and the entry
/// fails. At the same time a bot over its quota gets a burst of 429s from the same entry. The truth:
/// `pricing`, `memory_leak`; the 429s are the rate limiter doing its job.
public enum StoryScenario {
    /// When the surge (and the 429 burst) start, in seconds after the scenario start.
    public static let surgeStartSecond = 600.0
    /// How long the surge lasts.
    public static let surgeSeconds = 180.0

    /// The story's spec, with the replicated shop and realistic symptoms (other red herrings off, so
    /// that the story is what it says).
    public static func spec(seed: UInt64 = 1) -> ScenarioSpec {
        let fault = FaultSpec(
            service: "pricing", kind: .memoryLeak, startSecond: 420, durationSeconds: 390, intensity: 0.3, scale: 0.3,
            traits: [.lowIntensity])
        let bots = ClientErrorBurst(
            cause: .rateLimited, startSecond: surgeStartSecond + 10, durationSeconds: 150, requestsPerSecond: 25, passShare: 0.08,
            clientIP: "203.0.113.77", userAgent: "python-requests/2.31.0")
        let realism = Realism(
            symptoms: true, clientErrors: ClientErrors(unauthorizedRate: 0.003, notFoundRate: 0.005, bursts: [bots]),
            surges: [Surge(source: 0, startSecond: surgeStartSecond, durationSeconds: surgeSeconds, factor: 16)])
        return ScenarioSpec(
            name: "story-pricing-leak-under-surge", seed: SplitMix64.derive(seed, 42), durationSeconds: 900, requestsPerSecond: 5,
            traffic: .steady,
            fault: fault, topology: .replicatedShop, realism: realism, family: ScenarioFamily.shop.name)
    }
}
