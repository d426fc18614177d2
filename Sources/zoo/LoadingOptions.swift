import ArgumentParser
import Zoo

/// How `generate`, `chat` and `bench` load a model.
struct LoadingOptions: ParsableArguments {
    @Flag(help: "Multiply q8_0/q4_0/q4_1 weights by int8-quantized activations, as llama.cpp does: faster decode, a small accuracy cost.")
    var int8Activations = false

    var loadOptions: LoadOptions { LoadOptions(int8Activations: int8Activations) }
}
