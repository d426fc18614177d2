import Foundation

/// When beam search stops, as transformers' `early_stopping` says.
public enum EarlyStopping: Sendable, Equatable {
    /// `false`: stop when no running beam can be expected to beat the finished ones, judged at the current length.
    case heuristic
    /// `true`: stop as soon as `numBeams` hypotheses have finished.
    case whenFull
    /// `"never"`: stop only when no running beam can beat the finished ones at any length up to the maximum.
    case never
}

/// How an encoder-decoder generates: the tokens that start, end and are forced, and the search settings, as a
/// model's generation_config.json gives them (else its config.json, else transformers' defaults). A request
/// (`TextToTextOptions`) overrides the search settings.
public struct SearchSettings: Sendable, Equatable {
    public var decoderStartTokenID: Int
    public var endTokenIDs: Set<Int>
    public var forcedBeginTokenID: Int?
    /// The tokens forced at the last position (transformers' `forced_eos_token_id`, one id or several).
    public var forcedEndTokenIDs: [Int]
    /// The most decoder tokens, the start token included (transformers' `max_length`).
    public var maxLength: Int
    /// No end token before the decoder holds this many tokens, the start token included.
    public var minLength: Int
    public var numBeams: Int
    public var lengthPenalty: Float
    public var earlyStopping: EarlyStopping
    /// No n-gram of this many tokens occurs twice in the decoder's tokens (0: no constraint).
    public var noRepeatNgramSize: Int

    public init(decoderStartTokenID: Int, endTokenIDs: Set<Int>, forcedBeginTokenID: Int? = nil,
                forcedEndTokenIDs: [Int] = [], maxLength: Int = 20, minLength: Int = 0, numBeams: Int = 1,
                lengthPenalty: Float = 1, earlyStopping: EarlyStopping = .heuristic, noRepeatNgramSize: Int = 0) {
        self.decoderStartTokenID = decoderStartTokenID
        self.endTokenIDs = endTokenIDs
        self.forcedBeginTokenID = forcedBeginTokenID
        self.forcedEndTokenIDs = forcedEndTokenIDs
        self.maxLength = maxLength
        self.minLength = minLength
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.noRepeatNgramSize = noRepeatNgramSize
    }

    /// The settings of the model in `folder`: each key from generation_config.json where it is there, else from
    /// config.json. A model without a decoder start token is an error naming config.json.
    init(folder: URL) throws {
        let files = try ["generation_config.json", "config.json"].compactMap { name in
            try Self.object(folder.appendingPathComponent(name))
        }
        func value(_ key: String) -> (Any, String)? {
            for (object, path) in files { if let value = object[key], !(value is NSNull) { return (value, path) } }
            return nil
        }
        func int(_ key: String) throws(ZooError) -> Int? {
            guard let (value, path) = value(key) else { return nil }
            guard let number = value as? Int else { throw ZooError(path: path, "\"\(key)\" must be an integer") }
            return number
        }
        func ids(_ key: String) throws(ZooError) -> [Int] {
            guard let (value, path) = value(key) else { return [] }
            if let id = value as? Int { return [id] }
            guard let list = value as? [Int] else { throw ZooError(path: path, "\"\(key)\" must be a token id or a list of them") }
            return list
        }
        let config = folder.appendingPathComponent("config.json").path
        guard let start = try int("decoder_start_token_id") ?? int("bos_token_id") else {
            throw ZooError(path: config, "no decoder_start_token_id (nor bos_token_id): the decoder has no token to start from")
        }
        self.init(decoderStartTokenID: start, endTokenIDs: Set(try ids("eos_token_id")),
                  forcedBeginTokenID: try int("forced_bos_token_id"), forcedEndTokenIDs: try ids("forced_eos_token_id"),
                  maxLength: try int("max_new_tokens").map { $0 + 1 } ?? int("max_length") ?? 20,
                  minLength: try int("min_length") ?? 0, numBeams: try int("num_beams") ?? 1)
        if let (value, path) = value("length_penalty") {
            guard let number = value as? Double else { throw ZooError(path: path, "\"length_penalty\" must be a number") }
            lengthPenalty = Float(number)
        }
        if let (value, path) = value("early_stopping") {
            switch value {
            case let flag as Bool: earlyStopping = flag ? .whenFull : .heuristic
            case let text as String where text == "never": earlyStopping = .never
            default: throw ZooError(path: path, "\"early_stopping\" must be true, false or \"never\"")
            }
        }
        noRepeatNgramSize = try int("no_repeat_ngram_size") ?? 0
    }

    private static func object(_ url: URL) throws(ZooError) -> ([String: Any], String)? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ZooError(path: url.path, "not a JSON object")
        }
        return (object, url.path)
    }
}
