/// A set of 1-based line numbers in a compact text form, `3,5-9,12`: how the analyzer names every invalid
/// line of an ingest request (`invalid_lines`), however many there are, so that a sender can set each one
/// aside instead of guessing which they were.
public struct LineRanges: Sendable, Hashable, CustomStringConvertible {
    /// Disjoint, ascending, non-adjacent ranges.
    public private(set) var ranges: [ClosedRange<Int>] = []

    /// No lines.
    public init() {}

    /// Parses `3,5-9,12` (whitespace around items is allowed; the empty string is no lines). `nil` for
    /// anything else: a number below 1, a backwards range, items out of order or overlapping.
    public init?(_ text: String) {
        guard !text.allSatisfy({ $0 == " " }) else { return }
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let low = Int(bounds[0].trimmingSpaces), low >= 1 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1].trimmingSpaces) : low
            guard let high, high >= low else { return nil }
            if let last = ranges.last {
                guard low > last.upperBound else { return nil }
                if low == last.upperBound + 1 {
                    ranges[ranges.count - 1] = last.lowerBound...high
                    continue
                }
            }
            ranges.append(low...high)
        }
    }

    /// Adds a line (numbers below 1 are ignored). Lines usually come in ascending order (O(1) then);
    /// any order works.
    public mutating func insert(_ line: Int) {
        guard line >= 1 else { return }
        if let last = ranges.last, line >= last.lowerBound {
            if line <= last.upperBound { return }
            if line == last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...line
                return
            }
            ranges.append(line...line)
            return
        }
        guard !contains(line) else { return }
        var index = ranges.firstIndex { $0.lowerBound > line } ?? ranges.count
        ranges.insert(line...line, at: index)
        // Merge with neighbours that now touch.
        if index + 1 < ranges.count, ranges[index + 1].lowerBound == line + 1 {
            ranges[index] = line...ranges[index + 1].upperBound
            ranges.remove(at: index + 1)
        }
        if index > 0, ranges[index - 1].upperBound == line - 1 {
            ranges[index - 1] = ranges[index - 1].lowerBound...ranges[index].upperBound
            ranges.remove(at: index)
            index -= 1
        }
    }

    /// Whether `line` is in the set (binary search).
    public func contains(_ line: Int) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < line {
                low = middle + 1
            } else if ranges[middle].lowerBound > line {
                high = middle
            } else {
                return true
            }
        }
        return false
    }

    /// Number of lines (saturating: a parsed `1-9223372036854775807` does not trap).
    public var count: Int {
        ranges.reduce(0) { total, range in
            let (sum, overflow) = total.addingReportingOverflow(range.count)
            return overflow ? .max : sum
        }
    }

    /// Whether there are no lines.
    public var isEmpty: Bool { ranges.isEmpty }

    /// `3,5-9,12`; empty when there are no lines.
    public var description: String {
        ranges.map { $0.count == 1 ? String($0.lowerBound) : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
