import AnalyzerCore

/// The last few AI diagnoses by request, so reloading a page does not ask the LLM again. Bounded:
/// the oldest entry goes when it is full.
actor DiagnosisCache {
    private let capacity: Int
    private var entries: [String: Diagnosis] = [:]
    private var order: [String] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func diagnosis(for id: String) -> Diagnosis? {
        entries[id]
    }

    func store(_ diagnosis: Diagnosis, for id: String) {
        if entries.updateValue(diagnosis, forKey: id) == nil { order.append(id) }
        while order.count > capacity { entries[order.removeFirst()] = nil }
    }
}
