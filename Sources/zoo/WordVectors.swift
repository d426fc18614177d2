import ArgumentParser
import Foundation
import Zoo

struct Analogy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve an analogy with word vectors: the words closest to a sum and difference of words.",
        discussion: """
            "king - man + woman" asks for the words nearest to king − man + woman (the mean of their unit vectors, \
            as gensim's most_similar), the words of the question left out. Put spaces around + and -.
            """)

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "Words joined by + and -, such as \"king - man + woman\".")
    var expression: String

    @Option(help: "Answers to show.")
    var topK = 10

    @Flag(help: "Print JSON: {\"answers\": [{\"word\": \"...\", \"score\": S}, ...]}, best first; scores are cosine similarities.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let search = try zooOptions.zoo.model(named: name).load().wordVectors()
            try printMatches(try search.analogy(expression, topK: topK), key: "answers", json: json)
        }
    }
}

struct Neighbors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The words nearest to a word, by the cosine similarity of their vectors.")

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The word, spelled as the model spells it (GloVe's words are lowercase).")
    var word: String

    @Option(help: "Neighbours to show.")
    var topK = 10

    @Flag(help: "Print JSON: {\"neighbors\": [{\"word\": \"...\", \"score\": S}, ...]}, nearest first.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let search = try zooOptions.zoo.model(named: name).load().wordVectors()
            try printMatches(try search.neighbors(of: word, topK: topK), key: "neighbors", json: json)
        }
    }
}

struct EvalAnalogies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-analogies",
        abstract: "Accuracy of word vectors on analogy questions, per section and overall, as gensim computes it.",
        discussion: """
            FILE holds questions "a b c d" (a is to b as c is to d) under section lines ": name", as Google's \
            questions-words.txt. A question counts as right when the word nearest to b - a + c, other than a, b \
            and c, is d, all compared in upper case among the --restrict most frequent words; questions with a word \
            outside those are skipped and counted.
            """)

    @Argument(help: "The model's name.")
    var name: String

    @Argument(help: "The questions file, such as questions-words.txt.")
    var file: String

    @Option(help: "Use only the N most frequent words (the model's first N).")
    var restrict = 300_000

    @Flag(help: "Print JSON: {\"sections\": [{\"section\", \"correct\", \"incorrect\", \"accuracy\"}, ...], \"total\": {...}, \"questions\", \"skipped\", \"restrict\"}.")
    var json = false

    @OptionGroup var zooOptions: ZooOptions

    func validate() throws {
        guard restrict >= 1 else { throw ValidationError("--restrict must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let search = try zooOptions.zoo.model(named: name).load().wordVectors()
            let result = try search.evaluateAnalogies(file: URL(fileURLWithPath: file), restrict: restrict)
            if json {
                try Terminal.json(result)
                return
            }
            let width = max(result.sections.map(\.section.count).max() ?? 0, result.total.section.count)
            func line(_ section: AnalogyEvaluation.Section) -> String {
                let name = section.section.padding(toLength: width, withPad: " ", startingAt: 0)
                return "\(name)  \(String(format: "%5.1f", 100 * section.accuracy))%  \(section.correct)/\(section.correct + section.incorrect)\n"
            }
            for section in result.sections { Terminal.write(line(section)) }
            Terminal.write(line(result.total))
            let share = result.questions == 0 ? 0 : 100 * Double(result.skipped) / Double(result.questions)
            Terminal.note("\(result.skipped) of \(result.questions) questions (\(String(format: "%.1f", share))%) skipped: a word outside the \(result.restrict) most frequent")
        }
    }
}

/// Words with their scores: one "word<TAB>score" line each, or JSON {key: [{"word", "score"}, ...]}.
func printMatches(_ matches: [WordVectorSearch.Match], key: String, json: Bool) throws {
    if json {
        try Terminal.json([key: matches])
        return
    }
    for match in matches { Terminal.write("\(match.word)\t\(String(format: "%.4f", match.score))\n") }
}
