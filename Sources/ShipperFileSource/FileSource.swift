import Glibc
import ShipperCore

/// Tails files matching glob patterns, line by line, following them through rename rotation,
/// copytruncate, deletion and replacement, and resuming from a checkpoint at the exact byte.
///
/// Each file is a stream named by its identity (device, inode, fingerprint of its first bytes), so a
/// renamed file keeps its stream and a reused inode or a file rewritten in place starts a new one.
/// Like every ``RecordSource`` it is used from one thread.
public final class FileSource: RecordSource {
    private let configuration: FileSourceConfiguration
    private let matcher: GlobMatcher
    private let watcher: DirectoryWatcher
    private let clock = ContinuousClock()
    /// Open files in discovery order (rotated-away files come before their successors).
    private var files: [TailedFile] = []
    private var filesByKey: [FileKey: TailedFile] = [:]
    /// Streams with a resume offset whose file has not been found (yet).
    private var unmatched: [FileKey: [CheckpointedFile]] = [:]
    /// Paths the checkpoint knows: a file found there at start is a successor, read from the start.
    private var checkpointedPaths = Set<String>()
    /// Paths whose file went away: a new file there is a followed rotation.
    private var vacatedPaths = Set<String>()
    /// Paths that could not be opened, with the errno already reported, so each is said once.
    private var unreadable: [String: Int32] = [:]
    private var notices: [SourceNotice] = []
    private var counters = SourceStatistics()
    private var rescanDue: ContinuousClock.Instant
    private var rescanRequested = false
    private var nextTurn = 0
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var isClosed = false

    /// Finds the matching files and positions each one: at its checkpointed offset when the
    /// checkpoint knows it (also when it was rotated to another name in the same directory while the
    /// shipper was stopped), else at the start (or the end, with `startAtEnd`).
    ///
    /// Throws ``FileSourceError`` only for a configuration that can never work.
    public init(configuration: FileSourceConfiguration, resumeFrom checkpoint: Checkpoint) throws {
        try configuration.validate()
        self.configuration = configuration
        matcher = GlobMatcher(include: configuration.include, exclude: configuration.exclude)
        watcher = DirectoryWatcher(enabled: configuration.useInotify)
        // A chunk plus the bytes before the offset that every read checks again (see TailedFile).
        buffer = .allocate(capacity: configuration.readChunkBytes + max(1, configuration.fingerprintBytes))
        rescanDue = clock.now
        if let reason = watcher.errorText {
            notices.append(
                SourceNotice(
                    .warning, "inotify is unavailable (\(reason)); polling files every 250 ms instead",
                    details: ["error": reason]))
        }
        for (stream, position) in checkpoint.positions {
            guard let identity = FileIdentity(streamID: stream), case .file(let path, let offset) = position
            else { continue }
            unmatched[identity.key, default: []].append(CheckpointedFile(identity: identity, path: path, offset: offset))
            checkpointedPaths.insert(path)
        }
        watcher.watch(matcher.directoriesToWatch())
        rescan(initial: true)
        recoverRotatedWhileStopped()
    }

    deinit {
        close()
        buffer.deallocate()
    }

    // MARK: RecordSource

    /// Returns up to `limit` lines, taking one chunk per file in turn; waits (in `poll` on inotify)
    /// at most `timeout` when no complete line is available.
    public func read(limit: Int, timeout: Duration) throws -> [SourceRecord] {
        guard !isClosed, limit > 0 else { return [] }
        let deadline = clock.now.advanced(by: max(timeout, .zero))
        while true {
            if watcher.drain() { rescanRequested = true }
            let now = clock.now
            if rescanRequested || now >= rescanDue { rescan(initial: false) }
            refreshOpenFiles()
            let records = collect(limit: limit)
            closeFinishedFiles()
            if !records.isEmpty { return records }
            if files.contains(where: \.hasReadyRecords) { continue }  // a closed file's last partial line
            let now2 = clock.now
            guard now2 < deadline else { return [] }
            var wake = min(deadline, rescanDue)
            if let expiry = nextDetachedExpiry() { wake = min(wake, expiry) }
            if !watcher.usesInotify { wake = min(wake, now2.advanced(by: DirectoryWatcher.fallbackInterval)) }
            // At least 1 ms: a past expiry must not turn the wait into a busy loop.
            watcher.wait(max(now2.duration(to: wake), .milliseconds(1)))
        }
    }

    /// Counters since creation; `openStreams` is the number of files held open.
    public var statistics: SourceStatistics {
        var result = counters
        result.openStreams = files.count { $0.isOpen }
        return result
    }

    /// Unreadable files, truncations and rotations since the last call.
    public func takeNotices() -> [SourceNotice] {
        defer { notices = [] }
        return notices
    }

    /// Closes every file and the inotify descriptor; later reads return nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for file in files where file.isOpen { file.close() }
        files = []
        filesByKey = [:]
        watcher.close()
    }

    // MARK: Discovery

    /// Expands the patterns: opens new files, notes renames, and detaches files no longer reachable.
    private func rescan(initial: Bool) {
        rescanRequested = false
        let now = clock.now
        rescanDue = now.advanced(by: configuration.rescanInterval)
        if !initial { watcher.watch(matcher.directoriesToWatch()) }
        var seen = Set<FileKey>()
        var discovered: [TailedFile] = []
        for path in matcher.matchingPaths() {
            var status = stat()
            guard stat(path, &status) == 0 else {
                if errno != ENOENT { reportUnreadable(path, errno) }
                continue
            }
            guard status.st_mode & S_IFMT == S_IFREG else { continue }
            let key = FileKey(status)
            guard seen.insert(key).inserted else { continue }  // a second name of the same file
            if let file = filesByKey[key] {
                if file.path != path { file.rename(to: path) }
                file.detachedSince = nil
                continue
            }
            if let file = open(path, initial: initial, now: now) {
                seen.insert(file.key)
                discovered.append(file)
            }
        }
        for file in files where file.isOpen && file.detachedSince == nil && !seen.contains(file.key) {
            detach(file, now: now)
        }
        for file in discovered where vacatedPaths.remove(file.path) != nil {
            counters.rotationsFollowed += 1
            notices.append(
                SourceNotice(
                    .info, "followed a rotation of \(file.path): reading the previous file to its end, the new one from the start",
                    details: ["path": file.path]))
        }
    }

    /// Opens a newly found file and positions it; `nil` (and a warning once) when it cannot be opened.
    private func open(_ path: String, initial: Bool, now: ContinuousClock.Instant) -> TailedFile? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            reportUnreadable(path, errno)
            return nil
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(fd)
            return nil
        }
        unreadable[path] = nil
        let key = FileKey(status)
        if let existing = filesByKey[key] {  // replaced between stat and open by a file we already have
            Glibc.close(fd)
            existing.rename(to: path)
            existing.detachedSince = nil
            return nil
        }
        let file = TailedFile(
            fd: fd, key: key, path: path, maxLineBytes: configuration.maxLineBytes, tailBytes: configuration.fingerprintBytes, now: now)
        file.lastSize = UInt64(status.st_size)
        file.lastModification = status.st_mtim
        establishIdentity(of: file, initial: initial)
        files.append(file)
        filesByKey[key] = file
        return file
    }

    /// Names the stream of a non-empty file and picks its starting offset.
    private func establishIdentity(of file: TailedFile, initial: Bool) {
        let size = file.lastSize
        guard
            let identity = FileIdentity.read(
                fd: file.fd, key: file.key, size: size, fingerprintBytes: configuration.fingerprintBytes)
        else { return }
        if let entries = unmatched.removeValue(forKey: file.key),
            let entry = entries.first(where: { $0.identity.matches(fd: file.fd, key: file.key) })
        {
            // Any other entry for this inode belonged to earlier content: the inode was reused.
            if entry.offset <= size {
                file.begin(entry.identity, at: entry.offset)
                return
            }
            counters.truncationsDetected += 1
            notices.append(
                SourceNotice(
                    .info, "\(file.path) is shorter than its checkpoint (\(size) < \(entry.offset) bytes): it was truncated while the shipper was stopped; reading it from the start",
                    details: ["path": file.path, "offset": String(entry.offset), "size": String(size)]))
            file.begin(identity, at: 0)
            return
        }
        if initial && configuration.startAtEnd && !checkpointedPaths.contains(file.path) {
            file.begin(identity, at: lastLineEnd(fd: file.fd, size: size))
        } else {
            file.begin(identity, at: 0)
        }
    }

    /// The offset after the last newline among the last 64 KiB (or the size when there is none there).
    private func lastLineEnd(fd: Int32, size: UInt64) -> UInt64 {
        let length = Int(min(size, 65_536))
        let start = size - UInt64(length)
        let tail = [UInt8](unsafeUninitializedCapacity: length) { bytes, count in
            let n = pread(fd, bytes.baseAddress!, length, off_t(start))
            count = max(n, 0)
        }
        if let newline = tail.lastIndex(of: 0x0A) { return start + UInt64(newline) + 1 }
        return start == 0 ? 0 : size
    }

    /// For checkpointed streams not found through the patterns, looks in the directory where each was
    /// last seen for a file with the same device, inode and fingerprint (renamed while stopped), and
    /// reads it from the checkpoint to its end.
    private func recoverRotatedWhileStopped() {
        let now = clock.now
        var byDirectory: [String: Set<UInt64>] = [:]
        for entries in unmatched.values {
            for entry in entries {
                byDirectory[GlobMatcher.directoryName(entry.path), default: []].insert(entry.identity.key.inode)
            }
        }
        for (directory, inodes) in byDirectory {
            guard let handle = opendir(directory) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                guard inodes.contains(UInt64(entry.pointee.d_ino)) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                let path = directory == "/" ? "/" + name : directory + "/" + name
                var status = stat()
                guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
                    unmatched[FileKey(status)] != nil, filesByKey[FileKey(status)] == nil
                else { continue }
                let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
                guard fd >= 0 else {
                    reportUnreadable(path, errno)
                    continue
                }
                let key = FileKey(status)
                guard let match = unmatched[key]?.first(where: { $0.identity.matches(fd: fd, key: key) }),
                    match.offset <= UInt64(status.st_size)
                else {
                    Glibc.close(fd)
                    continue
                }
                unmatched[key] = nil
                let file = TailedFile(
            fd: fd, key: key, path: path, maxLineBytes: configuration.maxLineBytes, tailBytes: configuration.fingerprintBytes, now: now)
                file.lastSize = UInt64(status.st_size)
                file.lastModification = status.st_mtim
                file.begin(match.identity, at: match.offset)
                file.detachedSince = now  // not under an include pattern: read to the end, then close
                files.insert(file, at: 0)  // before its successor
                filesByKey[key] = file
                counters.rotationsFollowed += 1
                notices.append(
                    SourceNotice(
                        .info, "\(match.path) was rotated to \(path) while the shipper was stopped; reading it from the checkpoint to its end",
                        details: ["path": path, "previous_path": match.path, "offset": String(match.offset)]))
            }
        }
        let missing = unmatched.values.reduce(0) { $0 + $1.count }
        if missing > 0 {
            let paths = Set(unmatched.values.flatMap { $0.map(\.path) }).sorted()
            notices.append(
                SourceNotice(
                    .info, "\(missing) checkpointed file stream(s) were not found (deleted, or rotated out of their directory); lines written to them after the checkpoint, if any, were not read",
                    details: ["count": String(missing), "paths": paths.prefix(10).joined(separator: ",")]))
        }
    }

    /// A file is no longer reachable through the patterns: keep reading it, close it after rotateWait.
    private func detach(_ file: TailedFile, now: ContinuousClock.Instant) {
        file.detachedSince = now
        vacatedPaths.insert(file.path)
        // The kernel knows the new name of a renamed file; use it in positions from now on.
        let link = "/proc/self/fd/\(file.fd)"
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(link, &target, target.count - 1)
        if length > 0 {
            let name = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !name.hasSuffix(" (deleted)") && name != file.path { file.rename(to: name) }
        }
    }

    private func reportUnreadable(_ path: String, _ code: Int32) {
        guard unreadable[path] != code else { return }
        unreadable[path] = code
        let reason = SystemError.text(code)
        notices.append(
            SourceNotice(
                .warning, "cannot open \(path): \(reason); its lines are not read until this is fixed",
                details: ["path": path, "error": reason]))
    }

    // MARK: Reading

    /// Re-stats open files: growth, deletion, truncation in place, and first bytes of empty files.
    private func refreshOpenFiles() {
        let now = clock.now
        for file in files where file.isOpen {
            var status = stat()
            guard fstat(file.fd, &status) == 0 else { continue }
            let size = UInt64(status.st_size)
            if status.st_nlink == 0 && file.detachedSince == nil { detach(file, now: now) }
            if size > file.lastSize { file.lastGrowth = now }
            let previous = file.lastSize
            file.lastSize = size
            let modified = status.st_mtim.tv_sec != file.lastModification.tv_sec || status.st_mtim.tv_nsec != file.lastModification.tv_nsec
            file.lastModification = status.st_mtim
            guard let identity = file.identity else {
                if size > 0 { establishIdentity(of: file, initial: false) }
                continue
            }
            // Rewritten in place: shorter than what was read, other first bytes, or other bytes just
            // before the offset (same header, grown past the offset: a size test alone misses it; so
            // does one of the size when the new content is exactly as long).
            if size < file.readOffset
                || ((size != previous || modified) && (!identity.matches(fd: file.fd, key: file.key) || !file.tailMatches()))
            {
                truncated(file, size: size)
            }
        }
    }

    /// The file was truncated (or rewritten) in place: a new stream from offset 0.
    private func truncated(_ file: TailedFile, size: UInt64) {
        counters.truncationsDetected += 1
        notices.append(
            SourceNotice(
                .info, "\(file.path) was truncated or rewritten in place (copytruncate?) at \(file.readOffset) bytes, now \(size); reading it again from the start as a new stream",
                details: ["path": file.path, "offset": String(file.readOffset), "size": String(size)]))
        file.endStream()
        if size > 0 { establishIdentity(of: file, initial: false) }
    }

    /// Takes records round-robin, one chunk per file per turn, until `limit` or every file is at EOF.
    private func collect(limit: Int) -> [SourceRecord] {
        var records: [SourceRecord] = []
        guard !files.isEmpty else { return records }
        nextTurn = (nextTurn + 1) % files.count
        var progress = true
        while progress && records.count < limit {
            progress = false
            for step in 0..<files.count where records.count < limit {
                let file = files[(nextTurn + step) % files.count]
                if !file.hasReadyRecords && file.isOpen && file.identity != nil && file.readOffset < file.lastSize {
                    switch file.readChunk(into: buffer) {
                    case .read(let count):
                        if count != 0 { progress = true }
                    case .rewritten:
                        var status = stat()
                        truncated(file, size: fstat(file.fd, &status) == 0 ? UInt64(status.st_size) : 0)
                        progress = true
                    case .failed(let code):
                        readFailed(file, errno: code)
                    }
                }
                if file.takeReady(limit: limit - records.count, into: &records) > 0 { progress = true }
            }
        }
        for record in records {
            counters.records += 1
            counters.bytes += record.originalLength
            if record.isTruncated { counters.truncatedLines += 1 }
        }
        return records
    }

    /// A read error (EIO, a vanished network file): say so and stop reading the file rather than
    /// retrying it forever; its last partial line is kept.
    private func readFailed(_ file: TailedFile, errno code: Int32) {
        let reason = SystemError.text(code)
        notices.append(
            SourceNotice(
                .warning, "cannot read \(file.path) at offset \(file.readOffset): \(reason); it is closed and the rest of it is not read",
                details: ["path": file.path, "offset": String(file.readOffset), "error": reason]))
        file.close()
    }

    /// Closes detached files that reached their end and did not grow for `rotateWait`; drops closed
    /// files once their last records were taken.
    private func closeFinishedFiles() {
        let now = clock.now
        for file in files where file.isOpen {
            guard let expiry = expiry(of: file), now >= expiry, !file.hasReadyRecords,
                file.readOffset >= file.lastSize || file.identity == nil
            else { continue }
            if let identity = file.identity {
                var status = stat()
                if fstat(file.fd, &status) == 0, status.st_nlink > 0 {
                    // Still exists under another name: resume here if it comes back under a pattern.
                    unmatched[file.key, default: []].append(
                        CheckpointedFile(identity: identity, path: file.path, offset: file.readOffset))
                }
            }
            file.close()
        }
        files.removeAll { file in
            guard !file.isOpen && !file.hasReadyRecords else { return false }
            if filesByKey[file.key] === file { filesByKey[file.key] = nil }
            return true
        }
    }

    private func expiry(of file: TailedFile) -> ContinuousClock.Instant? {
        guard let since = file.detachedSince else { return nil }
        return max(since, file.lastGrowth).advanced(by: configuration.rotateWait)
    }

    private func nextDetachedExpiry() -> ContinuousClock.Instant? {
        files.lazy.filter(\.isOpen).compactMap { self.expiry(of: $0) }.min()
    }
}
