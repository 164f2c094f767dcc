/// The parameters a family's systems are drawn from: how many services, how deep, how wide, how
/// replicated, in which stacks, with which other ways in.
public struct TopologyShape: Sendable, Hashable {
    /// Services including the entry, datastores and third-party adapters.
    public var serviceCount: ClosedRange<Int>
    /// Levels of business services below the entry.
    public var depth: ClosedRange<Int>
    /// Business services each one calls on the next level.
    public var fanOut: ClosedRange<Int>
    /// Instances of each business service.
    public var instances: ClosedRange<Int>
    /// Share of calls with a fallback (optional).
    public var optionalShare: Double
    /// Share of endpoints making their calls concurrently.
    public var parallelShare: Double
    /// Adapters to third parties.
    public var externals: ClosedRange<Int>
    /// Other ways in (``Topology/Source``), and their rate relative to the entry's.
    public var sources: ClosedRange<Int>
    public var sourceShare: ClosedRange<Double>
    /// The stacks, drawn uniformly (repeat one to weight it).
    public var ecosystems: [Ecosystem]

    /// A shape.
    public init(
        serviceCount: ClosedRange<Int>, depth: ClosedRange<Int>, fanOut: ClosedRange<Int>, instances: ClosedRange<Int>,
        optionalShare: Double,
        parallelShare: Double, externals: ClosedRange<Int>, sources: ClosedRange<Int>, sourceShare: ClosedRange<Double>,
        ecosystems: [Ecosystem]
    ) {
        self.serviceCount = serviceCount
        self.depth = depth
        self.fanOut = fanOut
        self.instances = instances
        self.optionalShare = optionalShare
        self.parallelShare = parallelShare
        self.externals = externals
        self.sources = sources
        self.sourceShare = sourceShare
        self.ecosystems = ecosystems
    }
}
