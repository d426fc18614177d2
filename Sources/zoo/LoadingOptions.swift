import ArgumentParser
import Zoo

/// How the commands that run a decoder load it: int8 activations for one-token products of block-type weights, and
/// bfloat16 activations for products of several rows.
struct LoadingOptions: ParsableArguments {
    @Flag(help: "Multiply q8_0/q4_0/q4_1 weights by int8-quantized activations, as llama.cpp does: faster decode, a small accuracy cost.")
    var int8Activations = false

    @OptionGroup var bfloat16: BFloat16ActivationOption

    var loadOptions: LoadOptions {
        LoadOptions(int8Activations: int8Activations, bf16Activations: bfloat16.bf16Activations)
    }
}

/// How the commands that run an encoder or an encoder-decoder load it: only bfloat16 activations apply. Int8
/// activations are for one-token products of block-type matrices, which an encoder never runs and an
/// encoder-decoder's matrices are not (they are widened to float32 at load).
struct BFloat16ActivationOption: ParsableArguments {
    @Flag(help: "Multiply bf16 weights by several rows of activations (prompts, encoder passes) rounded to bf16, with the CPU's bf16 dot products: about twice as fast, an accuracy cost.")
    var bf16Activations = false

    /// Not an error: a note that the option will not pay on this CPU.
    func validate() throws {
        if bf16Activations && !bfloat16DotProductsAvailable {
            Terminal.note("this CPU has no bfloat16 dot products (AVX512_BF16): --bf16-activations rounds the activations but multiplies them with the float32 kernels, no faster than without it")
        }
    }

    var loadOptions: LoadOptions { LoadOptions(bf16Activations: bf16Activations) }
}
