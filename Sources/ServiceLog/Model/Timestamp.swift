#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time with microsecond resolution, written as RFC 3339 UTC (`2026-11-24T10:15:02.123456Z`).
///
/// Stored as an integer so that comparing, subtracting and encoding never touch `Date` or a formatter.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: Int64

    /// Creates a timestamp from microseconds since the Unix epoch.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The current wall-clock time (`CLOCK_REALTIME`). Costs one vDSO call, no allocation.
    @inlinable
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// This time moved by `microseconds` (negative: earlier), saturating at the ends of `Int64` instead
    /// of trapping: timestamps come from data, and arithmetic on data must never stop the process.
    public func adding(microseconds: Int64) -> Timestamp {
        let (sum, overflow) = microsecondsSinceEpoch.addingReportingOverflow(microseconds)
        guard overflow else { return Timestamp(microsecondsSinceEpoch: sum) }
        return Timestamp(microsecondsSinceEpoch: microseconds > 0 ? .max : .min)
    }

    /// The RFC 3339 form, e.g. `2026-11-24T10:15:02.123456Z`.
    public var description: String {
        var bytes = [UInt8](repeating: 0, count: Timestamp.encodedLength)
        bytes.withUnsafeMutableBufferPointer { Timestamp.write(self, to: $0.baseAddress!) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Length of the encoded form in bytes.
    @usableFromInline
    static let encodedLength = 27

    /// Writes exactly `encodedLength` bytes. Pure arithmetic (Hinnant's civil-from-days), no libc call.
    @usableFromInline
    static func write(_ time: Timestamp, to out: UnsafeMutablePointer<UInt8>) {
        var micros = time.microsecondsSinceEpoch
        var seconds = micros / 1_000_000
        micros -= seconds * 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds - days * 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64, _ at: Int) {
            out[at] = UInt8(48 + value / 10)
            out[at + 1] = UInt8(48 + value % 10)
        }
        let clampedYear = min(max(year, 0), 9999)
        two(clampedYear / 100, 0)
        two(clampedYear % 100, 2)
        out[4] = UInt8(ascii: "-")
        two(month, 5)
        out[7] = UInt8(ascii: "-")
        two(day, 8)
        out[10] = UInt8(ascii: "T")
        two(secondOfDay / 3600, 11)
        out[13] = UInt8(ascii: ":")
        two((secondOfDay / 60) % 60, 14)
        out[16] = UInt8(ascii: ":")
        two(secondOfDay % 60, 17)
        out[19] = UInt8(ascii: ".")
        var fraction = micros
        for index in stride(from: 25, through: 20, by: -1) {
            out[index] = UInt8(48 + fraction % 10)
            fraction /= 10
        }
        out[26] = UInt8(ascii: "Z")
    }

    static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension Timestamp {
    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Fractions beyond microseconds are truncated.
    /// Lenient in what it accepts (any fraction length, offsets, lowercase `t`/`z`) because consumers read
    /// other producers' lines; producers always write the canonical form.
    public init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Timestamp.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    static func parse(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        guard b.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                micros += Int64(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count >= index + 6, let oh = digits(index + 1, 2), b[index + 3] == UInt8(ascii: ":"),
                let om = digits(index + 4, 2)
            else { return nil }
            guard oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == UInt8(ascii: "+") ? 1 : -1)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthLength: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthLength[Int(month - 1)], abs(offsetSeconds) <= 23 * 3600 + 59 * 60 else { return nil }
        let days = Timestamp.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }
}
