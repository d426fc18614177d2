import Foundation
import Testing
@testable import Zoo

/// The models that ship in Models/: the index lists exactly the folders there, and each one is intact and runs.
@Suite struct BundledModelsTests {
    struct Index: Decodable {
        struct Entry: Decodable {
            let name: String
            let architecture: String
            let description: String
        }
        let models: [Entry]
    }

    let folder = ModelZoo.bundledModels

    @Test func theIndexListsEveryShippedModel() throws {
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: folder.appendingPathComponent("index.json")))
        let shipped = ModelZoo(folders: [folder]).models()
        #expect(index.models.map(\.name).sorted() == shipped.map(\.name))
        for entry in index.models {
            #expect(try ModelZoo(folders: [folder]).model(named: entry.name).metadata().architecture == entry.architecture)
        }
    }

    @Test func everyShippedModelVerifiesAndRuns() throws {
        for model in ModelZoo(folders: [folder]).models() {
            #expect(try model.manifest().verify(folder: model.folder).isEmpty, "\(model.name) differs from its manifest")
            let loaded = try model.load()
            if loaded.commands.contains("generate") {
                let result = try loaded.textGenerator().generate(prompt: "Once upon a time",
                                                                 options: GenerationOptions(maxNewTokens: 5))
                #expect(!result.generatedIDs.isEmpty)
            } else {
                #expect(try loaded.wordVectors().neighbors(of: "the", topK: 3).count == 3, "\(model.name)")
            }
        }
    }
}
