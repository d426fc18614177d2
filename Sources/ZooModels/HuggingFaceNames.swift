/// Reading and writing the tensor names of Hugging Face checkpoints, which most architectures spell
/// `[prefix.]<container>.<index>.<module>.<parameter>` for the weights of their repeated blocks. The tables that
/// map module names serve both directions: import (Hugging Face → canonical) and export (canonical → Hugging Face).
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

    /// `module.parameter` split at its last dot, for the parameters "weight" and "bias".
    static func parameter(_ name: String) -> (module: String, parameter: String)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let module = String(name[..<dot]), parameter = String(name[name.index(after: dot)...])
        guard parameter == "weight" || parameter == "bias" else { return nil }
        return (module, parameter)
    }

    /// The Hugging Face module whose canonical name is `canonical` in `modules` (Hugging Face → canonical).
    static func module(named canonical: String, in modules: [String: String]) -> String? {
        modules.first { $0.value == canonical }?.key
    }

    /// The rule for `lm_head.weight`: the token embedding again when the head is tied to it.
    static func outputHead(tied: Bool) -> ImportRule {
        tied ? .skip("tied to the token embedding") : .tensor("lm_head.weight", .none)
    }
}
