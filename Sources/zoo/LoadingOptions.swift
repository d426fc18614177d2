import ArgumentParser
import Zoo

/// How the commands that run a model load it.
struct LoadingOptions: ParsableArguments {
    @Flag(help: "Multiply q8_0/q4_0/q4_1 weights by int8-quantized activations, as llama.cpp does: faster decode, a small accuracy cost.")
    var int8Activations = false

    @Flag(help: "Multiply bf16 weights by several rows of activations (prompts, encoder passes) rounded to bf16, with the CPU's bf16 dot products: about twice as fast, an accuracy cost.")
    var bf16Activations = false

    var loadOptions: LoadOptions { LoadOptions(int8Activations: int8Activations, bf16Activations: bf16Activations) }
}
