/// Prints one line per benchmark target ("met", "MISSED" or "n/a" when it was not measured) and
/// remembers whether every measured target was met.
struct TargetReport {
    private(set) var allMet = true

    /// One target: `ok` is `nil` when the figure is missing.
    mutating func verdict(_ label: String, _ ok: Bool?, _ detail: String) {
        let word = ok.map { $0 ? "met   " : "MISSED" } ?? "n/a   "
        if ok == false { allMet = false }
        print("  \(word) \(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(detail)")
    }
}
