/// Groups log messages into templates with Drain (He et al., "Drain: An Online Log Parsing Approach with
/// Fixed Depth Tree", ICWS 2017), per service.
///
/// Each message is tokenized (``MessageTokenizer``: whitespace, `=`/`:` separators, obvious variables
/// such as numbers, IDs, IPs, e-mails, quoted strings and paths with IDs pre-masked as `<*>`), then routed
/// down a fixed-depth tree: service → token count → the first ``Configuration/prefixDepth`` tokens (a
/// token with a digit, or one arriving at a node that already has ``Configuration/maxChildrenPerNode``
/// children, takes the `<*>` branch). In the leaf it joins the most similar group when the share of
/// identical positions reaches ``Configuration/similarityThreshold``; joining replaces the positions
/// that differ by `<*>`. Otherwise it starts a new group.
///
/// Cost: one tokenization plus a comparison with the groups of one leaf (at most
/// ``Configuration/maxGroupsPerLeaf``) per message, so a stream of one repeated error stays linear.
/// Memory is bounded: at most ``Configuration/maxTemplates`` templates and ``Configuration/maxServices``
/// services, each template at most ``Configuration/maxTokens`` tokens and one example of at most
/// ``Configuration/maxExampleCharacters``. Past the template limit, messages that fit no template go to
/// their service's overflow bucket (``overflowTemplate``); past the service limit, new services share
/// ``otherServices``. A full leaf makes a message join its most similar group even below the threshold.
///
/// ```swift
/// var miner = TemplateMiner()
/// let id = miner.add("connection to 10.0.0.5:5432 timed out after 3000 ms", service: "orders")
/// miner[id].template   // "connection to <*> timed out after <*> ms"
/// ```
public struct TemplateMiner: Sendable {
    /// Tuning and limits.
    public struct Configuration: Sendable, Hashable {
        /// Share (0...1) of identical token positions a message needs to join a template.
        public var similarityThreshold: Double
        /// How many leading tokens route a message in the tree (Drain's depth minus the length layer
        /// and the root).
        public var prefixDepth: Int
        /// Children per tree node before further distinct tokens share the `<*>` branch.
        public var maxChildrenPerNode: Int
        /// Templates per leaf; a message reaching a full leaf joins its most similar template.
        public var maxGroupsPerLeaf: Int
        /// Templates over all services; past it, unmatched messages go to the overflow bucket.
        public var maxTemplates: Int
        /// Distinct services; past it, new services share ``TemplateMiner/otherServices``.
        public var maxServices: Int
        /// Tokens kept per message; the rest collapses into one final `<*>`.
        public var maxTokens: Int
        /// Characters kept of each template's example message.
        public var maxExampleCharacters: Int

        /// Drain's defaults (threshold 0.5, two routing tokens) with limits for bounded memory.
        public init(
            similarityThreshold: Double = 0.5, prefixDepth: Int = 2, maxChildrenPerNode: Int = 100, maxGroupsPerLeaf: Int = 64,
            maxTemplates: Int = 10_000, maxServices: Int = 1_000, maxTokens: Int = 128, maxExampleCharacters: Int = 1_000
        ) {
            self.similarityThreshold = similarityThreshold
            self.prefixDepth = max(0, prefixDepth)
            self.maxChildrenPerNode = max(2, maxChildrenPerNode)
            self.maxGroupsPerLeaf = max(1, maxGroupsPerLeaf)
            self.maxTemplates = max(1, maxTemplates)
            self.maxServices = max(1, maxServices)
            self.maxTokens = max(2, maxTokens)
            self.maxExampleCharacters = max(1, maxExampleCharacters)
        }
    }

    /// The template text of the overflow bucket.
    public static let overflowTemplate = "<overflow: template limit reached>"
    /// The service name shared by services beyond ``Configuration/maxServices``.
    public static let otherServices = "<other services>"

    /// The tuning and limits the miner was made with.
    public let configuration: Configuration

    /// A node of the Drain tree. The root's children are services, theirs token counts, below that
    /// prefix tokens; a leaf holds group indices.
    private struct Node: Sendable {
        var children: [String: Int] = [:]
        var groups: [Int] = []
    }

    /// One template with its tokens kept apart, so joining compares positions without re-tokenizing.
    private struct Group: Sendable {
        var service: String
        var tokens: [String]
        var spaceBefore: [Bool]
        var count: Int
        var example: String
        var isOverflow: Bool
    }

    private var nodes: [Node] = [Node()]
    private var groups: [Group] = []
    private var overflowGroups: [String: Int] = [:]
    private var serviceCount = 0
    private var regularTemplateCount = 0

    /// An empty miner.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: Learning

    /// Adds one message of `service` and returns the template it now belongs to (new or existing).
    @discardableResult
    public mutating func add(_ message: String, service: String) -> TemplateID {
        let tokens = MessageTokenizer.tokenize(message, maxTokens: configuration.maxTokens)
        let serviceKey = admitService(service)
        let existingLeaf = lookup(serviceKey: serviceKey, tokens: tokens.tokens)
        if let leaf = existingLeaf, let best = bestGroup(in: leaf, tokens: tokens.tokens),
            best.similarity >= configuration.similarityThreshold || nodes[leaf].groups.count >= configuration.maxGroupsPerLeaf
        {
            join(best.index, tokens: tokens.tokens)
            return TemplateID(rawValue: best.index)
        }
        guard regularTemplateCount < configuration.maxTemplates else { return addToOverflow(message, service: serviceKey) }
        let leaf = existingLeaf ?? descendCreating(serviceKey: serviceKey, tokens: tokens.tokens)
        let index = groups.count
        groups.append(
            Group(
                service: serviceKey, tokens: tokens.tokens, spaceBefore: tokens.spaceBefore, count: 1,
                example: String(message.prefix(configuration.maxExampleCharacters)), isOverflow: false))
        nodes[leaf].groups.append(index)
        regularTemplateCount += 1
        return TemplateID(rawValue: index)
    }

    /// The template `message` would join, without learning from it; `nil` when it would start a new
    /// one (or go to the overflow bucket).
    public func match(_ message: String, service: String) -> TemplateID? {
        let tokens = MessageTokenizer.tokenize(message, maxTokens: configuration.maxTokens)
        let known = nodes[0].children[service] != nil || overflowGroups[service] != nil
        let serviceKey = known || serviceCount < configuration.maxServices ? service : Self.otherServices
        guard let leaf = lookup(serviceKey: serviceKey, tokens: tokens.tokens),
            let best = bestGroup(in: leaf, tokens: tokens.tokens),
            best.similarity >= configuration.similarityThreshold || nodes[leaf].groups.count >= configuration.maxGroupsPerLeaf
        else { return nil }
        return TemplateID(rawValue: best.index)
    }

    // MARK: Reading

    /// The template with this ID.
    public subscript(id: TemplateID) -> LogTemplate {
        let group = groups[id.rawValue]
        return LogTemplate(
            id: id, service: group.service, template: Self.render(group), count: group.count, example: group.example,
            isOverflow: group.isOverflow)
    }

    /// Every template (optionally of one service), most frequent first; ties by service, then text.
    public func templates(service: String? = nil) -> [LogTemplate] {
        groups.indices
            .filter { service == nil || groups[$0].service == service }
            .map { self[TemplateID(rawValue: $0)] }
            .sorted { ($1.count, $0.service, $0.template) < ($0.count, $1.service, $1.template) }
    }

    /// How many templates exist, overflow buckets included.
    public var templateCount: Int { groups.count }

    /// How many messages were added.
    public var messageCount: Int { groups.reduce(0) { $0 + $1.count } }

    // MARK: Drain internals

    /// The service's key in the tree, or the shared one once ``Configuration/maxServices`` is reached.
    private mutating func admitService(_ service: String) -> String {
        if nodes[0].children[service] != nil || overflowGroups[service] != nil { return service }
        guard serviceCount < configuration.maxServices else { return Self.otherServices }
        serviceCount += 1
        return service
    }

    /// The leaf for these tokens if the path exists.
    private func lookup(serviceKey: String, tokens: [String]) -> Int? {
        guard let serviceNode = nodes[0].children[serviceKey], var node = nodes[serviceNode].children[String(tokens.count)]
        else { return nil }
        for token in tokens.prefix(configuration.prefixDepth) {
            guard let next = nodes[node].children[branchKey(at: node, token: token)] else { return nil }
            node = next
        }
        return node
    }

    /// The leaf for these tokens, growing the tree where the path does not exist yet. Adds at most
    /// ``Configuration/prefixDepth`` + 2 nodes, and only when a new template follows.
    private mutating func descendCreating(serviceKey: String, tokens: [String]) -> Int {
        var node = child(of: 0, key: serviceKey)
        node = child(of: node, key: String(tokens.count))
        for token in tokens.prefix(configuration.prefixDepth) {
            node = child(of: node, key: branchKey(at: node, token: token))
        }
        return node
    }

    /// Drain's routing rule: a token with a digit is probably a variable and takes the `<*>` branch; so
    /// does a new token at a node that is full (one slot stays reserved for `<*>`).
    private func branchKey(at node: Int, token: String) -> String {
        if token.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { return MessageTokenizer.wildcard }
        let children = nodes[node].children
        if children[token] == nil, token != MessageTokenizer.wildcard, children.count >= configuration.maxChildrenPerNode - 1 {
            return MessageTokenizer.wildcard
        }
        return token
    }

    private mutating func child(of parent: Int, key: String) -> Int {
        if let existing = nodes[parent].children[key] { return existing }
        let index = nodes.count
        nodes.append(Node())
        nodes[parent].children[key] = index
        return index
    }

    /// The most similar group of a leaf and its similarity.
    private func bestGroup(in leaf: Int, tokens: [String]) -> (index: Int, similarity: Double)? {
        var best: (index: Int, similarity: Double)?
        for index in nodes[leaf].groups {
            let similarity = Self.similarity(groups[index].tokens, tokens)
            if similarity > best?.similarity ?? -1 { best = (index, similarity) }
        }
        return best
    }

    private mutating func join(_ index: Int, tokens: [String]) {
        groups[index].count += 1
        // Only touch (and copy) the token array when a position actually differs.
        var changed: [Int] = []
        for position in tokens.indices where groups[index].tokens[position] != tokens[position]
            && groups[index].tokens[position] != MessageTokenizer.wildcard
        {
            changed.append(position)
        }
        for position in changed { groups[index].tokens[position] = MessageTokenizer.wildcard }
    }

    private mutating func addToOverflow(_ message: String, service: String) -> TemplateID {
        if let index = overflowGroups[service] {
            groups[index].count += 1
            return TemplateID(rawValue: index)
        }
        let index = groups.count
        groups.append(
            Group(
                service: service, tokens: [Self.overflowTemplate], spaceBefore: [false], count: 1,
                example: String(message.prefix(configuration.maxExampleCharacters)), isOverflow: true))
        overflowGroups[service] = index
        return TemplateID(rawValue: index)
    }

    /// Drain's simSeq: the share of positions with identical tokens (a masked `<*>` in the message
    /// equals a `<*>` in the template). Sequences in one leaf always have the same length.
    private static func similarity(_ template: [String], _ tokens: [String]) -> Double {
        guard !tokens.isEmpty else { return 1 }
        var same = 0
        for position in tokens.indices where template[position] == tokens[position] { same += 1 }
        return Double(same) / Double(tokens.count)
    }

    private static func render(_ group: Group) -> String {
        var text = ""
        for (position, token) in group.tokens.enumerated() {
            if position > 0, group.spaceBefore[position] { text += " " }
            text += token
        }
        return text
    }
}
