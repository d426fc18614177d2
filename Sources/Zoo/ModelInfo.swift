import Foundation
import ZooFormats

/// What `zoo info` and `zoo list` tell about a model.
public struct ModelInfo: Codable, Sendable {
    public let name: String
    public let path: String
    public let architecture: String
    public let parameters: Int
    public let dtype: String
    /// Bytes of all the model's files.
    public let bytes: Int
    public let source: ZooMetadata.Source
    public let converter_version: String
    public let tokenizer: [String]
    public let description: String?
    public let license: String?

    init(model: StoredModel) throws {
        let metadata = try model.metadata()
        let weights = try ZooWeights(contentsOf: model.file(StoredModel.weightsFile), readingAll: false)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: model.folder.path)) ?? []
        name = model.name
        path = model.folder.path
        architecture = metadata.architecture
        parameters = weights.names.reduce(0) { $0 + (weights.info($1)?.shape.reduce(1, *) ?? 0) }
        dtype = metadata.dtype
        bytes = files.reduce(0) { total, file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: model.file(file).path)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
        source = metadata.source
        converter_version = metadata.converter_version
        tokenizer = ["tokenizer.json", "vocab.json", "merges.txt", "vocab.txt", "words.txt"].filter(files.contains)
        description = metadata.description
        license = metadata.license
    }
}

extension StoredModel {
    public func info() throws -> ModelInfo { try ModelInfo(model: self) }
}
