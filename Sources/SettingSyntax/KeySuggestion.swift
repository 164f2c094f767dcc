/// "Did you mean": the known name closest to a mistyped one.
public enum KeySuggestion {
    /// The name in `known` closest to `name` by edit distance, if at most `maxDistance` edits away.
    public static func closest(to name: String, among known: some Sequence<String>, maxDistance: Int = 3) -> String? {
        let target = Array(name)
        var best: (name: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(target, Array(candidate))
            if distance <= maxDistance, distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.name
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
