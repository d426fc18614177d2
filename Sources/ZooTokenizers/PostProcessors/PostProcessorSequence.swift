/// Several post-processors applied in turn (`"type": "Sequence"`), as Llama 3 chains ByteLevel and a template.
struct PostProcessorSequence: PostProcessor {
    let processors: [any PostProcessor]

    func process(_ encoding: inout Encoding) {
        for processor in processors { processor.process(&encoding) }
    }
}
