import ShipperCore
import ShipperFileSource

extension FileSource {
    /// Reads until at least `count` records arrived or `seconds` passed (a generous deadline, not a
    /// timing assertion); returns everything read, possibly more than `count`.
    func records(_ count: Int, limit: Int = 1000, within seconds: Int = 10) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while records.count < count && ContinuousClock.now < deadline {
            records += try read(limit: limit, timeout: .milliseconds(100))
        }
        return records
    }

    /// Reads for `duration`, returning whatever arrives (usually to show that nothing does).
    func records(during duration: Duration) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        let deadline = ContinuousClock.now.advanced(by: duration)
        while ContinuousClock.now < deadline {
            records += try read(limit: 1000, timeout: .milliseconds(50))
        }
        return records
    }

    /// Keeps reading until `condition` holds or `seconds` pass; returns the records read meanwhile.
    func records(until condition: (FileSource) -> Bool, within seconds: Int = 10) throws -> [SourceRecord] {
        var records: [SourceRecord] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while !condition(self) && ContinuousClock.now < deadline {
            records += try read(limit: 1000, timeout: .milliseconds(50))
        }
        return records
    }
}

extension SourceRecord {
    /// The line as text, for assertions.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The end offset of the record's position.
    var offset: UInt64? {
        if case .file(_, let offset) = position { return offset }
        return nil
    }

    /// The path of the record's position.
    var path: String? {
        if case .file(let path, _) = position { return path }
        return nil
    }
}
