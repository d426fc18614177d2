import ZooModels
import ZooTokenizers

/// One stack of attention maps of a text with labels for its tokens: what `zoo attention` draws.
public struct AttentionView: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A decoder's or an encoder's self-attention.
        case selfAttention = "self-attention"
        case encoder = "encoder self-attention"
        case decoder = "decoder self-attention"
        /// An encoder-decoder's decoder attending to the encoder's output.
        case cross = "cross-attention"
    }

    /// The model's name.
    public let model: String
    public let kind: Kind
    /// Labels of the rows (the queries: positions that attend) and of the columns (the keys: positions attended to).
    public let queryLabels: [String]
    public let keyLabels: [String]
    public let maps: AttentionMaps

    public init(model: String, kind: Kind, queryLabels: [String], keyLabels: [String], maps: AttentionMaps) {
        precondition(queryLabels.count == maps.queries && keyLabels.count == maps.keys,
                     "attention view: \(queryLabels.count) × \(keyLabels.count) labels for \(maps.queries) × \(maps.keys) maps")
        self.model = model
        self.kind = kind
        self.queryLabels = queryLabels
        self.keyLabels = keyLabels
        self.maps = maps
    }

    /// Checks that `layer` and `head` exist, with an error giving the valid ranges.
    public func check(layer: Int, head: Int) throws(ZooError) {
        guard (0..<maps.layers).contains(layer) else {
            throw ZooError("layer \(layer) is out of range: the \(kind.rawValue) of \(model) has layers \(Self.range(maps.layers))")
        }
        guard (0..<maps.heads).contains(head) else {
            throw ZooError("head \(head) is out of range: the \(kind.rawValue) of \(model) has heads \(Self.range(maps.heads)) in each layer")
        }
    }

    static func range(_ count: Int) -> String { count == 1 ? "0 only" : "0 to \(count - 1)" }
}
