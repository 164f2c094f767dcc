/// Fixed-length time buckets over a stretch of data, aligned to multiples of the bucket length since
/// the epoch: the same event falls in the same bucket whatever window is analysed, so an incident's
/// onset does not move when the analysed window slides.
struct TimeGrid: Sendable, Hashable {
    /// Start of bucket 0 (microseconds since the epoch).
    let origin: Int64
    let bucketMicros: Int64
    let count: Int

    /// Buckets of `bucketSeconds` covering `[first, last]`.
    init(first: Int64, last: Int64, bucketSeconds: Int64) {
        bucketMicros = max(1, bucketSeconds) * 1_000_000
        origin = Self.floor(first, bucketMicros)
        let span = max(0, last - origin)
        count = Int(min(span / bucketMicros + 1, 1_000_000))
    }

    /// The bucket holding `time`, clamped into the grid.
    func index(_ time: Int64) -> Int {
        guard time > origin else { return 0 }
        return Int(min(Int64(count - 1), (time - origin) / bucketMicros))
    }

    /// Whether `time` lies inside the grid.
    func contains(_ time: Int64) -> Bool {
        time >= origin && time < end
    }

    /// Start time of bucket `index`.
    func start(_ index: Int) -> Int64 {
        origin + Int64(index) * bucketMicros
    }

    /// End of the last bucket.
    var end: Int64 { start(count) }

    static func floor(_ value: Int64, _ step: Int64) -> Int64 {
        let remainder = value % step
        return remainder >= 0 ? value - remainder : value - remainder - step
    }
}
