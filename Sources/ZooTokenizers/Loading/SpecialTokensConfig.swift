import Foundation

/// The added tokens that transformers (5.x) reads beside a vocabulary file, and the tokens it names for parts:
/// tokenizer_config.json's `added_tokens_decoder` in id order, then the named special tokens (`bos_token`, ...)
/// and the lists of extra special tokens. special_tokens_map.json is read, over tokenizer_config.json, only when
/// there is no `added_tokens_decoder`, as transformers does. A named token the files leave out takes the tokenizer
/// class's default, if it has one.
enum SpecialTokensConfig {
    private static let namedTokens = [
        "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
    ]
    private static let tokenLists = ["additional_special_tokens", "extra_special_tokens"]

    /// `defaults` holds the contents of the class's named tokens by key, such as "unk_token": "[UNK]".
    static func read(in directory: URL, defaults: [String: String]) throws
        -> (addedTokens: [AddedToken], roleNames: [SpecialTokenRole: String])
    {
        var tokens: [AddedToken] = []
        var named: [String: JSONValue] = [:]
        var extras: [JSONValue] = []
        func collect(from config: JSONObject) throws {
            for key in namedTokens { if let value = config[key] { named[key] = value } }
            for key in tokenLists { if let list = config[key] { extras += try list.array() } }
        }

        let config = try object(in: directory, "tokenizer_config.json")
        if let config { try collect(from: config) }
        if let decoder = try config?["added_tokens_decoder"]?.object() {
            tokens += try numberedTokens(decoder)
        } else if let map = try object(in: directory, "special_tokens_map.json") {
            try collect(from: map)
        }

        let known = tokens
        /// A token named by its content takes the flags of the numbered token with that content, if any.
        func specialToken(_ json: JSONValue) throws -> AddedToken {
            if let content = try? json.string() {
                return known.first { $0.content == content }
                    ?? AddedToken(content: content, normalized: false, special: true)
            }
            var token = try TokenizerJSON.addedToken(try json.object(), special: true)
            token.special = true
            return token
        }
        var roleNames: [SpecialTokenRole: String] = [:]
        for key in namedTokens {
            let token: AddedToken
            if let value = named[key] {
                token = try specialToken(value)
            } else if let content = defaults[key] {
                token = AddedToken(content: content, normalized: false, special: true)
            } else {
                continue
            }
            tokens.append(token)
            if let role = SpecialTokenRole(rawValue: key) { roleNames[role] = token.content }
        }
        tokens += try extras.map(specialToken)
        return (tokens, roleNames)
    }

    /// Only the tokens the files name for parts, for a tokenizer.json, which brings its own added tokens; and the
    /// beginning and end tokens they name, which no part takes by convention (T5's "</s>" is no separator).
    static func roleNames(in directory: URL) throws -> (names: [SpecialTokenRole: String], reserved: Set<String>) {
        var names: [SpecialTokenRole: String] = [:]
        var reserved: Set<String> = []
        func content(_ value: JSONValue) throws -> String {
            try (try? value.string()) ?? value.object().required("content").string()
        }
        func collect(from config: JSONObject) throws {
            for role in SpecialTokenRole.allCases {
                guard let value = config[role.rawValue] else { continue }
                names[role] = try content(value)
            }
            for key in ["bos_token", "eos_token"] {
                if let value = config[key], value.handle != nil { reserved.insert(try content(value)) }
            }
        }
        let config = try object(in: directory, "tokenizer_config.json")
        if let config { try collect(from: config) }
        if config?["added_tokens_decoder"] == nil, let map = try object(in: directory, "special_tokens_map.json") {
            try collect(from: map)
        }
        return (names, reserved)
    }

    /// The parsed file `name` in `directory`, or nil when there is none.
    static func object(in directory: URL, _ name: String) throws -> JSONObject? {
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try JSONValue.parse(try TokenizerFiles.read(file), file: file.path).object()
    }

    /// `{"50256": {"content": "<|endoftext|>", "special": true, ...}}`, in id order.
    private static func numberedTokens(_ decoder: JSONObject) throws -> [AddedToken] {
        let numbered = try decoder.map { key, token in
            guard let id = Int(key) else {
                throw TokenizerError(
                    path: decoder.file, problem: "\(decoder.path): \(key.debugDescription) is not an id")
            }
            return (id, try TokenizerJSON.addedToken(try token.object()))
        }
        return numbered.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
