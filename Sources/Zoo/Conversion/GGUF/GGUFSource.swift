import Foundation
import ZooFormats
import ZooTensor

/// The tensors of a GGUF file of a Llama-shaped model, presented as a Hugging Face Llama checkpoint: under
/// Hugging Face's names, with the rows of the query and key projections back in Hugging Face's rotary order.
///
/// llama.cpp rotates adjacent pairs of a head's values where Hugging Face rotates value j with value j + d/2, so its
/// converter reorders those rows: within each head of d rows, Hugging Face's row p·d/2 + j is stored at row
/// 2j + p. Undoing that moves whole rows, so quantized blocks are moved, not decoded.
struct GGUFSource: CheckpointSource {
    static let format = "gguf"

    let file: GGUFFile
    let queryHeads: Int
    let keyValueHeads: Int
    /// Hugging Face name to GGUF name.
    private let ggufNames: [String: String]

    init(file: GGUFFile, queryHeads: Int, keyValueHeads: Int) throws {
        self.file = file
        self.queryHeads = queryHeads
        self.keyValueHeads = keyValueHeads
        var ggufNames: [String: String] = [:]
        for name in file.names {
            let huggingFace = Self.huggingFaceName(name)
            if let other = ggufNames[huggingFace] {
                throw ZooError(path: file.url.path, "tensors \"\(other)\" and \"\(name)\" both stand for \"\(huggingFace)\"")
            }
            ggufNames[huggingFace] = name
        }
        self.ggufNames = ggufNames
    }

    var url: URL { file.url }
    var names: [String] { ggufNames.keys.sorted() }
    func shape(of name: String) -> [Int]? { ggufNames[name].flatMap { file.info($0)?.shape } }
    func dtype(of name: String) -> DType? { ggufNames[name].flatMap { file.info($0)?.type.dtype } }

    func tensor(_ name: String) throws -> Tensor {
        guard let ggufName = ggufNames[name] else { throw ZooError(path: url.path, "no tensor \"\(name)\"") }
        let tensor = try file.tensor(ggufName)
        if name.contains(".self_attn.q_proj.") { return try huggingFaceRotaryOrder(tensor, heads: queryHeads, name: ggufName) }
        if name.contains(".self_attn.k_proj.") { return try huggingFaceRotaryOrder(tensor, heads: keyValueHeads, name: ggufName) }
        return tensor
    }

    private func huggingFaceRotaryOrder(_ tensor: Tensor, heads: Int, name: String) throws -> Tensor {
        let rows = tensor.shape.first ?? 0
        guard heads > 0, rows % (2 * heads) == 0 else {
            throw ZooError(path: url.path, "tensor \"\(name)\" has \(rows) rows, which do not split into \(heads) heads of pairs")
        }
        let headRows = rows / heads, half = headRows / 2
        let order = (0..<rows).map { row in
            let head = row / headRows, within = row % headRows
            return head * headRows + 2 * (within % half) + within / half
        }
        return tensor.rows(order)
    }

    /// llama.cpp's tensor names of a Llama model and Hugging Face's for them; any other name is kept, and the import
    /// plan then reports it as a tensor the architecture does not have.
    static func huggingFaceName(_ name: String) -> String {
        switch name {
        case "token_embd.weight": return "model.embed_tokens.weight"
        case "output_norm.weight": return "model.norm.weight"
        case "output.weight": return "lm_head.weight"
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]) else { return name }
        let pieces = parts[2].split(separator: ".", maxSplits: 1).map(String.init)
        guard pieces.count == 2, let module = layerModules[pieces[0]] else { return name }
        return "model.layers.\(layer).\(module).\(pieces[1])"
    }

    private static let layerModules = [
        "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
        "ffn_down": "mlp.down_proj",
    ]
}
