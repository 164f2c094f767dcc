/// What the file tail source reads and how it follows files through rotation.
///
/// The defaults suit a sidecar tailing application logs rotated by logrotate (rename or copytruncate).
public struct FileSourceConfiguration: Sendable, Hashable {
    /// Paths and glob(3) patterns of files to tail, e.g. `/var/log/orders/*.log`. Must not be empty.
    public var include: [String]
    /// fnmatch(3) patterns of files to leave alone. A pattern containing `/` is matched against the
    /// whole path (`*` also crosses `/`), one without against the file name only (`*.gz`). Default none.
    public var exclude: [String]
    /// Lines longer than this are cut to it (at a UTF-8 character boundary) and marked as truncated;
    /// the rest of the line is skipped without being buffered. Default 1 MiB.
    public var maxLineBytes: Int
    /// How many leading bytes identify a file besides its device and inode (fewer when the file was
    /// shorter at first sight). Default 256.
    public var fingerprintBytes: Int
    /// Bytes read from one file per turn; also the fairness unit between busy files. Default 64 KiB.
    public var readChunkBytes: Int
    /// How long a file that was renamed away or deleted stays open after its end was reached with no
    /// growth, for writers that still have it open. Default 5 s.
    public var rotateWait: Duration
    /// How often the include patterns are expanded again even without an inotify event (a safety net
    /// for missed events and directories created later). Default 1 s.
    public var rescanInterval: Duration
    /// For files already present at start and absent from the checkpoint: `false` reads them from the
    /// beginning (nothing written before the shipper started is lost), `true` from their last line end.
    /// Files appearing later are always read from the beginning. Default `false`.
    public var startAtEnd: Bool
    /// Whether to wait on inotify; `false` (or inotify being unavailable) polls every 250 ms instead.
    /// Default `true`.
    public var useInotify: Bool

    /// Creates a configuration; every setting but `include` has a default.
    public init(
        include: [String],
        exclude: [String] = [],
        maxLineBytes: Int = 1_048_576,
        fingerprintBytes: Int = 256,
        readChunkBytes: Int = 65_536,
        rotateWait: Duration = .seconds(5),
        rescanInterval: Duration = .seconds(1),
        startAtEnd: Bool = false,
        useInotify: Bool = true
    ) {
        self.include = include
        self.exclude = exclude
        self.maxLineBytes = maxLineBytes
        self.fingerprintBytes = fingerprintBytes
        self.readChunkBytes = readChunkBytes
        self.rotateWait = rotateWait
        self.rescanInterval = rescanInterval
        self.startAtEnd = startAtEnd
        self.useInotify = useInotify
    }

    /// Throws for settings that can never work.
    func validate() throws(FileSourceError) {
        if include.isEmpty || include.allSatisfy(\.isEmpty) { throw .noIncludePatterns }
        for (name, value) in [
            ("maxLineBytes", maxLineBytes), ("fingerprintBytes", fingerprintBytes),
            ("readChunkBytes", readChunkBytes),
        ] where value < 1 {
            throw .invalidSetting(name: name, value: String(value), reason: "must be at least 1")
        }
        if rotateWait < .zero {
            throw .invalidSetting(name: "rotateWait", value: "\(rotateWait)", reason: "must not be negative")
        }
        if rescanInterval <= .zero {
            throw .invalidSetting(name: "rescanInterval", value: "\(rescanInterval)", reason: "must be positive")
        }
    }
}
