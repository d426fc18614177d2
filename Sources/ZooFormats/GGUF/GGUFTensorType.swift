import ZooTensor

/// The type of a GGUF tensor's data (GGML's type number). Every type GGML defines is known by name and size, so
/// that a file's layout can be checked whole; the zoo reads the data of six of them (`dtype` is not nil).
public struct GGUFTensorType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGUFTensorType(rawValue: 0)
    public static let f16 = GGUFTensorType(rawValue: 1)
    public static let q4_0 = GGUFTensorType(rawValue: 2)
    public static let q4_1 = GGUFTensorType(rawValue: 3)
    public static let q8_0 = GGUFTensorType(rawValue: 8)
    public static let bf16 = GGUFTensorType(rawValue: 30)

    /// GGML's name (`Q6_K`), or `type N` for a number GGML does not define.
    public var name: String { Self.layouts[rawValue]?.name ?? "type \(rawValue)" }
    public var description: String { name }

    /// The zoo type holding this type's data as it is; nil when the zoo cannot read it.
    public var dtype: DType? {
        switch self {
        case .f32: .float32
        case .f16: .float16
        case .bf16: .bfloat16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        default: nil
        }
    }

    /// Elements per block and bytes per block; nil for a number GGML does not define.
    var blockLayout: (elements: Int, bytes: Int)? { Self.layouts[rawValue].map { ($0.elements, $0.bytes) } }

    /// GGML's types (ggml.h, `ggml_type`) and their block sizes (`GGML_QUANT_SIZES` in the gguf package).
    private static let layouts: [UInt32: (name: String, elements: Int, bytes: Int)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
        7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40), 10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110),
        12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
        16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50),
        20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110), 22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136),
        24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8),
        29: ("IQ1_M", 256, 56), 30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66),
        39: ("MXFP4", 32, 17), 40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18),
    ]
}
