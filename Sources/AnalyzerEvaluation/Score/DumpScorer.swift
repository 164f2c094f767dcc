import Foundation

/// Scores a dump directory the way an independent evaluator would: the truth from `labels.json`
/// (written by `analyzer eval --dump DIR`) and the analyzer's answers from `NAME.incidents.json`,
/// which the evaluator produced with `analyzer ingest` and `analyzer incidents --json` per scenario.
public struct DumpScorer: Sendable {
    /// Why a dump cannot be scored.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Where the answers for `label` are expected.
    public func answersPath(for label: ScenarioLabel) -> String {
        "\(directory)/\(label.name).incidents.json"
    }

    /// Every labelled scenario's outcome, in the labels' order.
    public func outcomes() throws -> [ScenarioOutcome] {
        let labelsPath = "\(directory)/labels.json"
        guard let data = FileManager.default.contents(atPath: labelsPath) else {
            throw Failure(description: "no \(labelsPath): write the scenarios with `analyzer eval --dump \(directory)` first")
        }
        let labels = try JSONDecoder().decode(LabelsFile.self, from: data)
        return try labels.scenarios.map { label in
            let path = answersPath(for: label)
            guard let answers = FileManager.default.contents(atPath: path) else {
                throw Failure(
                    description: """
                        no \(path): run `analyzer ingest --store S.sqlite \(directory)/\(label.file)` and \
                        `analyzer incidents --store S.sqlite --json > \(path)` (a fresh store per scenario)
                        """)
            }
            do {
                return ScenarioOutcome(label: label, answers: try IncidentAnswer.decodeAll(answers))
            } catch {
                throw Failure(description: "\(path) is not the JSON of `analyzer incidents --json`: \(error)")
            }
        }
    }
}
