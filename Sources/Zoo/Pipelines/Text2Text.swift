import Foundation
import ZooModels
import ZooTensor
import ZooTokenizers

/// What a text-to-text request changes in the model's own generation settings; nil keeps the model's.
public struct TextToTextOptions: Sendable {
    /// The most tokens to write after the decoder's start token (nil: the model's max_new_tokens or max_length,
    /// else transformers' default length of 20 decoder tokens).
    public var maxNewTokens: Int?
    public var numBeams: Int?
    public var lengthPenalty: Float?
    public var earlyStopping: EarlyStopping?
    public var noRepeatNgramSize: Int?
    /// The fewest decoder tokens before an end token, the start token included (transformers' `min_length`).
    public var minLength: Int?
    /// Greedy, or sampling with temperature, top-k, top-p and seed (with one beam only). Its `maxNewTokens` is not
    /// read.
    public var sampling: GenerationOptions

    public init(maxNewTokens: Int? = nil, numBeams: Int? = nil, lengthPenalty: Float? = nil,
                earlyStopping: EarlyStopping? = nil, noRepeatNgramSize: Int? = nil, minLength: Int? = nil,
                sampling: GenerationOptions = GenerationOptions()) {
        self.maxNewTokens = maxNewTokens
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.noRepeatNgramSize = noRepeatNgramSize
        self.minLength = minLength
        self.sampling = sampling
    }
}

public struct TextToTextResult: Sendable {
    /// The encoder's input tokens.
    public let inputIDs: [Int]
    /// The decoder's tokens after its start token, the end token included when one ended the output (as
    /// transformers' generate() returns them, less the start token).
    public let outputIDs: [Int]
    /// The output's text, special tokens left out.
    public let text: String
}

/// Text-to-text generation with an encoder-decoder (translation, summarisation, instructions): the text is encoded
/// once, then the decoder writes the output with greedy search, sampling or beam search.
public struct TextToTextPipeline {
    public let model: any SequenceToSequenceModel
    public let tokenizer: Tokenizer
    public let name: String
    /// The model's own settings, from its generation_config.json and config.json.
    public let settings: SearchSettings

    /// The output for `text`. `onText` receives the text as it is written: token by token with one beam, all at
    /// once at the end of a beam search.
    public func callAsFunction(_ text: String, options: TextToTextOptions = TextToTextOptions(),
                               onText: (String) -> Void = { _ in }) throws(ZooError) -> TextToTextResult {
        try generate(inputIDs: tokenizer.encode(text), options: options, onText: onText)
    }

    /// The output for input tokens already encoded.
    public func generate(inputIDs: [Int], options: TextToTextOptions = TextToTextOptions(),
                         onText: (String) -> Void = { _ in }) throws(ZooError) -> TextToTextResult {
        let settings = try self.settings.applying(options, maxOutputLength: model.maxOutputLength)
        guard !inputIDs.isEmpty else { throw ZooError("the input is empty: \(name) needs at least one token to read") }
        if let limit = model.maxInputLength, inputIDs.count > limit {
            throw ZooError("the text has \(inputIDs.count) tokens but \(name)'s encoder takes at most \(limit)")
        }
        if let bad = inputIDs.first(where: { $0 < 0 || $0 >= model.vocabularySize }) {
            throw ZooError("token id \(bad) is outside \(name)'s vocabulary of \(model.vocabularySize)")
        }
        let decoding = SequenceDecoding(model: model, settings: settings, sampling: options.sampling)
        var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecialTokens: true)
        var text = ""
        let outputIDs = decoding.run(model.encode(inputIDs)) { token in
            let piece = stream.feed(token)
            text += piece
            if !piece.isEmpty { onText(piece) }
        }
        let rest = stream.finish()
        text += rest
        if !rest.isEmpty { onText(rest) }
        return TextToTextResult(inputIDs: inputIDs, outputIDs: outputIDs, text: text)
    }
}

extension SearchSettings {
    /// These settings with a request's changes, checked; the output length is capped at `maxOutputLength`, the most
    /// tokens the decoder can take, when it has such a limit (BART's learned positions end there).
    func applying(_ options: TextToTextOptions, maxOutputLength: Int?) throws(ZooError) -> SearchSettings {
        var settings = self
        if let maxNewTokens = options.maxNewTokens {
            guard maxNewTokens >= 0 else { throw ZooError("--max-new-tokens must not be negative") }
            settings.maxLength = maxNewTokens + 1
        }
        if let beams = options.numBeams { settings.numBeams = beams }
        guard settings.numBeams >= 1 else { throw ZooError("--num-beams must be at least 1 (got \(settings.numBeams))") }
        guard settings.numBeams == 1 || options.sampling.temperature <= 0 else {
            throw ZooError("sampling (a temperature above 0) runs with one beam: beam search is deterministic")
        }
        if let penalty = options.lengthPenalty { settings.lengthPenalty = penalty }
        if let stopping = options.earlyStopping { settings.earlyStopping = stopping }
        if let size = options.noRepeatNgramSize {
            guard size >= 0 else { throw ZooError("--no-repeat-ngram-size must not be negative") }
            settings.noRepeatNgramSize = size
        }
        if let minLength = options.minLength { settings.minLength = minLength }
        if let limit = maxOutputLength { settings.maxLength = min(settings.maxLength, limit) }
        return settings
    }
}

extension LoadedModel {
    /// The text-to-text pipeline of this model, or an error if it is not an encoder-decoder.
    public func textToText() throws -> TextToTextPipeline {
        guard let model = model as? any SequenceToSequenceModel else { throw unsupported("turn text into text") }
        return TextToTextPipeline(model: model, tokenizer: tokenizer, name: name,
                                  settings: try SearchSettings(folder: URL(fileURLWithPath: config.path).deletingLastPathComponent()))
    }
}
