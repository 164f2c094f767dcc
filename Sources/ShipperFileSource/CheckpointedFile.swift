/// A file stream with a known resume offset that has not been found yet: a checkpoint entry at
/// start, or a rotated-away file closed after `rotateWait` (in case it comes back under a watched name).
struct CheckpointedFile: Sendable {
    /// The stream's identity; a file resumes this stream only when its first bytes still match.
    var identity: FileIdentity
    /// Where the file was last seen; its directory is searched for a file rotated while stopped.
    var path: String
    /// Resume offset: just after the last line taken.
    var offset: UInt64
}
