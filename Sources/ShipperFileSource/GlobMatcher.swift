import Glibc

/// Expands the include patterns with glob(3), drops excluded paths, and names the directories worth
/// watching for new files.
struct GlobMatcher: Sendable {
    let include: [String]
    let exclude: [String]

    init(include: [String], exclude: [String]) {
        self.include = include.filter { !$0.isEmpty }
        self.exclude = exclude.filter { !$0.isEmpty }
    }

    /// Paths currently matching an include pattern and no exclude pattern, without duplicates, in
    /// pattern order then glob's sorted order.
    func matchingPaths() -> [String] {
        var seen = Set<String>()
        var paths: [String] = []
        for pattern in include {
            for path in Self.glob(pattern, flags: 0) where !isExcluded(path) && seen.insert(path).inserted {
                paths.append(path)
            }
        }
        return paths
    }

    /// Whether `path` matches an exclude pattern (whole path when the pattern has a `/`, else the name).
    func isExcluded(_ path: String) -> Bool {
        let name = Self.fileName(path)
        return exclude.contains { pattern in
            fnmatch(pattern, pattern.contains("/") ? path : name, 0) == 0
        }
    }

    /// Directories in which a new matching file can appear: each pattern's directory (expanded when
    /// it has wildcards) and, for wildcard directories, the nearest literal ancestor, where new
    /// subdirectories appear.
    func directoriesToWatch() -> Set<String> {
        var directories = Set<String>()
        for pattern in include {
            let directory = Self.directoryName(pattern)
            guard Self.hasWildcard(directory) else {
                directories.insert(directory)
                continue
            }
            directories.formUnion(Self.glob(directory, flags: GLOB_ONLYDIR))
            var literal = directory
            while Self.hasWildcard(literal) { literal = Self.directoryName(literal) }
            directories.insert(literal)
        }
        return directories
    }

    static func hasWildcard(_ text: String) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// dirname(3) without its in-place edits: `.` for a bare name, `/` for the root.
    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let head = path[..<slash]
        return head.isEmpty ? "/" : String(head)
    }

    static func fileName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func glob(_ pattern: String, flags: Int32) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, flags, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths
    }
}
