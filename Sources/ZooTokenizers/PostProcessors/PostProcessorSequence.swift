/// Several post-processors applied in turn (`"type": "Sequence"`), as Llama 3 chains ByteLevel and a template.
struct PostProcessorSequence: PostProcessor {
    let processors: [any PostProcessor]

    func process(_ parts: [EncodingPart], addSpecialTokens: Bool) -> [EncodingPart] {
        processors.reduce(parts) { parts, processor in processor.process(parts, addSpecialTokens: addSpecialTokens) }
    }
}
