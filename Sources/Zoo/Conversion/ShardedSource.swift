import Foundation
import Synchronization
import ZooFormats
import ZooTensor

/// A format whose checkpoints Hugging Face splits into shards listed by an index file.
protocol ShardableCheckpointSource: FolderCheckpointSource {
    /// The index file's name in a Hugging Face folder.
    static var indexFile: String { get }
}

extension SafetensorsSource: ShardableCheckpointSource {
    static let indexFile = "model.safetensors.index.json"
}

extension PyTorchSource: ShardableCheckpointSource {
    static let indexFile = "pytorch_model.bin.index.json"
}

/// A checkpoint in shards: an index file (`model.safetensors.index.json`, `pytorch_model.bin.index.json`) whose
/// `weight_map` names the shard file of every tensor. Every shard is opened once at the start to check the index
/// against what the shards hold; afterwards a tensor is read from its shard, and only one shard is open at a time,
/// so a conversion holds about one shard plus its output.
struct ShardedSource<Shard: ShardableCheckpointSource>: FolderCheckpointSource {
    static var format: String { Shard.format }

    /// Index files larger than this are refused (a 1000-shard index of 100 000 tensors is about 10 MB).
    static var maximumIndexSize: Int { 64 << 20 }

    static func weightsFile(in folder: URL) -> URL? {
        let url = folder.appendingPathComponent(Shard.indexFile)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    let url: URL
    let names: [String]
    private let shards: [URL]
    private let located: [String: (shard: Int, shape: [Int]?, dtype: DType?)]
    private let openShard = OpenShard<Shard>()

    init(contentsOf url: URL) throws {
        self.url = url
        let weightMap = try Self.readWeightMap(url)
        let folder = url.deletingLastPathComponent()
        let shardNames = Set(weightMap.values).sorted()
        shards = shardNames.map { folder.appendingPathComponent($0) }
        for (shard, name) in zip(shards, shardNames) where !FileManager.default.fileExists(atPath: shard.path) {
            let count = weightMap.values.filter { $0 == name }.count
            throw ZooError(path: shard.path, "missing: \(url.lastPathComponent) maps \(count) tensor\(count == 1 ? "" : "s") to this shard")
        }

        // What every shard holds, against the index: each tensor in exactly one shard, the one the index names.
        var located: [String: (shard: Int, shape: [Int]?, dtype: DType?)] = [:]
        for (index, shardURL) in shards.enumerated() {
            let shard = try Shard(contentsOf: shardURL)
            for name in shard.names {
                if let other = located[name] {
                    throw ZooError(path: shardURL.path, "tensor \"\(name)\" is also in \(shardNames[other.shard]): a tensor must be stored once")
                }
                located[name] = (index, shard.shape(of: name), shard.dtype(of: name))
            }
        }
        for (name, place) in located.sorted(by: { $0.key < $1.key }) {
            let path = shards[place.shard].path
            guard let mapped = weightMap[name] else {
                throw ZooError(path: path, "tensor \"\(name)\" is missing from the weight_map of \(url.lastPathComponent)")
            }
            guard mapped == shardNames[place.shard] else {
                throw ZooError(path: path, "holds tensor \"\(name)\", which \(url.lastPathComponent) maps to \(mapped)")
            }
        }
        if let (name, shard) = weightMap.filter({ located[$0.key] == nil }).min(by: { $0.key < $1.key }) {
            throw ZooError(path: folder.appendingPathComponent(shard).path,
                           "has no tensor \"\(name)\", which \(url.lastPathComponent) maps to it")
        }
        self.located = located
        names = located.keys.sorted()
    }

    func shape(of name: String) -> [Int]? { located[name]?.shape }
    func dtype(of name: String) -> DType? { located[name]?.dtype }

    /// The tensor `name`, from its shard; opening another shard closes the one before (its memory goes once the
    /// tensors read from it are gone).
    func tensor(_ name: String) throws -> Tensor {
        guard let shard = located[name]?.shard else { throw ZooError(path: url.path, "no tensor \"\(name)\"") }
        let source = try openShard.state.withLock { open throws -> Shard in
            if let open, open.index == shard { return open.source }
            open = nil
            let source = try Shard(contentsOf: shards[shard])
            open = (shard, source)
            return source
        }
        return try source.tensor(name)
    }

    /// The index's `weight_map`, with every shard a plain file name beside the index.
    private static func readWeightMap(_ url: URL) throws -> [String: String] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attributes?[.size] as? Int, size > maximumIndexSize {
            throw ZooError(path: url.path, "\(size) bytes: larger than the limit of \(maximumIndexSize) for an index")
        }
        let index: ShardIndex
        do {
            index = try JSONDecoder().decode(ShardIndex.self, from: Data(contentsOf: url))
        } catch DecodingError.keyNotFound {
            throw ZooError(path: url.path, "not a shard index: it has no \"weight_map\"")
        } catch {
            throw ZooError(path: url.path, "not a shard index: a JSON object with a \"weight_map\" of tensor names to shard files is expected")
        }
        guard !index.weight_map.isEmpty else { throw ZooError(path: url.path, "the weight_map is empty") }
        for shard in Set(index.weight_map.values) {
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw ZooError(path: url.path, "shard \(shard.debugDescription) is not a file name beside the index")
            }
        }
        return index.weight_map
    }
}

/// What Zoo reads of a shard index (its "metadata" holds only a total size).
private struct ShardIndex: Decodable {
    let weight_map: [String: String]
}

/// The one shard a `ShardedSource` holds open, shared by its copies.
private final class OpenShard<Shard: CheckpointSource>: Sendable {
    let state = Mutex<(index: Int, source: Shard)?>(nil)
}
