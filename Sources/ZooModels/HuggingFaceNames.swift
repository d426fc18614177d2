/// Reading the tensor names of Hugging Face checkpoints, which most architectures spell
/// `[prefix.]<container>.<index>.<rest>` for the weights of their repeated blocks.
enum HuggingFaceNames {
    /// `name` without `prefix`, when it starts with it.
    static func local(_ name: String, prefix: String) -> String {
        name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// The block index and the rest of `<container>.<index>.<rest>`, for an index below `count`.
    static func block(_ local: String, container: String, count: Int) -> (index: Int, rest: String)? {
        let parts = local.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == container, let index = Int(parts[1]), index >= 0, index < count else {
            return nil
        }
        return (index, parts[2])
    }

    /// The rule for `lm_head.weight`: the token embedding again when the head is tied to it.
    static func outputHead(tied: Bool) -> ImportRule {
        tied ? .skip("tied to the token embedding") : .tensor("lm_head.weight", .none)
    }
}
