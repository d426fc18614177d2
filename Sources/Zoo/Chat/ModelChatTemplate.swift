import Foundation

/// Where a zoo model keeps its chat template, as Hugging Face does: `chat_template` in tokenizer_config.json (a
/// string, or a list of named templates of which "default" is used), else a chat_template.jinja file.
extension StoredModel {
    /// The model's chat template, or nil when it has none. A template the renderer cannot read is an error naming
    /// the file.
    public func chatTemplate() throws -> ChatTemplate? {
        let configURL = file("tokenizer_config.json")
        var source: String?
        var origin = configURL.path
        if let config = try jsonObject(configURL) {
            switch config["chat_template"] {
            case let text as String:
                source = text
            case let named as [[String: Any]]:
                source = named.first { $0["name"] as? String == "default" }?["template"] as? String
                guard source != nil else {
                    throw ZooError(path: configURL.path, "chat_template lists no template named \"default\"")
                }
            case nil, is NSNull:
                break
            default:
                throw ZooError(path: configURL.path, "chat_template must be a string or a list of named templates")
            }
        }
        let jinja = file("chat_template.jinja")
        if source == nil, let data = FileManager.default.contents(atPath: jinja.path) {
            source = String(decoding: data, as: UTF8.self)
            origin = jinja.path
        }
        guard let source else { return nil }
        do {
            return try ChatTemplate(source)
        } catch {
            throw ZooError(path: origin, "\(error)")
        }
    }

    /// The texts of the tokenizer's named special tokens (`bos_token`, `eos_token`, `unk_token`, `pad_token`) from
    /// tokenizer_config.json, which chat templates may use.
    func specialTokenTexts() throws -> [String: String] {
        guard let config = try jsonObject(file("tokenizer_config.json")) else { return [:] }
        var texts: [String: String] = [:]
        for key in ["bos_token", "eos_token", "unk_token", "pad_token"] {
            switch config[key] {
            case let text as String: texts[key] = text
            case let token as [String: Any]: texts[key] = token["content"] as? String
            default: continue
            }
        }
        return texts
    }

    private func jsonObject(_ url: URL) throws -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ZooError(path: url.path, "not a JSON object")
        }
        return object
    }
}
