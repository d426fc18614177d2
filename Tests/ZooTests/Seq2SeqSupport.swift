import Foundation
import ZooModels
import ZooTokenizers
@testable import Zoo

/// The encoder-decoder fixtures of Tools/make_seq2seq_fixtures.py.
enum Seq2SeqFixtures {
    static let bart = ["tiny-bart", "tiny-bart-untied"]
    static let t5 = ["tiny-t5", "tiny-t5-v1_1"]
    static let all = bart + t5

    /// Whether ZooTokenizers reads the T5 fixtures' Unigram tokenizer yet: the T5 tests that go through text wait
    /// for it (the others run with the recorded ids).
    static let unigramLoads = t5.allSatisfy { (try? Tokenizer.load(directory: fixture($0))) != nil }
}

/// What transformers recorded for one encoder-decoder fixture.
struct Seq2SeqExpectedOutputs: Decodable {
    /// A generate() setting beyond the model's own: the keys of transformers' GenerationConfig.
    struct Settings: Decodable, CustomStringConvertible {
        let num_beams: Int
        let length_penalty: Float?
        let early_stopping: EarlyStopping?
        let no_repeat_ngram_size: Int?
        let min_length: Int?

        enum CodingKeys: String, CodingKey {
            case num_beams, length_penalty, early_stopping, no_repeat_ngram_size, min_length
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            num_beams = try container.decode(Int.self, forKey: .num_beams)
            length_penalty = try container.decodeIfPresent(Float.self, forKey: .length_penalty)
            no_repeat_ngram_size = try container.decodeIfPresent(Int.self, forKey: .no_repeat_ngram_size)
            min_length = try container.decodeIfPresent(Int.self, forKey: .min_length)
            if let flag = try? container.decodeIfPresent(Bool.self, forKey: .early_stopping) {
                early_stopping = flag ? .whenFull : .heuristic
            } else {
                early_stopping = try container.decodeIfPresent(String.self, forKey: .early_stopping) == "never" ? .never : nil
            }
        }

        func options(maxNewTokens: Int) -> TextToTextOptions {
            TextToTextOptions(maxNewTokens: maxNewTokens, numBeams: num_beams, lengthPenalty: length_penalty,
                              earlyStopping: early_stopping, noRepeatNgramSize: no_repeat_ngram_size,
                              minLength: min_length)
        }

        var description: String {
            "beams \(num_beams), length penalty \(length_penalty ?? 1), early stopping \(early_stopping.map { "\($0)" } ?? "-"), no repeat \(no_repeat_ngram_size ?? 0), min length \(min_length ?? 0)"
        }
    }

    struct Generation: Decodable {
        let settings: Settings
        /// generate()'s tokens after the decoder start token.
        let output_ids: [Int]
        let text: String
    }

    struct Case: Decodable {
        let text: String
        let input_ids: [Int]
        /// [input length, d_model]
        let encoder_states: [[Float]]
        let decoder_input_ids: [Int]
        /// [decoder input length, vocabulary]
        let logits: [[Float]]
        let generations: [Generation]
    }

    let model: String
    let tolerance: Float
    let max_new_tokens: Int
    let cases: [Case]

    static func load(_ model: String) throws -> Seq2SeqExpectedOutputs {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixture("\(model).expected.json")))
    }
}

/// The encoder-decoder of fixture folder `name`, without its tokenizer.
func sequenceToSequenceOfFixture(_ name: String) throws -> any SequenceToSequenceModel {
    guard let model = try modelOfFixture(name) as? any SequenceToSequenceModel else {
        throw ZooError("\(name) is not an encoder-decoder")
    }
    return model
}
