/// How a tensor's elements are encoded. Computation runs in float32; float16 and bfloat16 are storage types, and
/// the block types keep GGML's quantized blocks as they are: each block encodes 32 consecutive elements of the
/// last dimension (so that dimension must be a multiple of 32) with its own scale.
///
/// | type | block bytes | layout of one block of 32 elements | element i |
/// |---|---|---|---|
/// | `q8_0` | 34 | float16 d, 32 int8 q | d·q[i] |
/// | `q4_0` | 18 | float16 d, 16 bytes of nibbles | d·(q[i] − 8) |
/// | `q4_1` | 20 | float16 d, float16 m, 16 bytes of nibbles | d·q[i] + m |
///
/// Nibbles: q[i] for i < 16 is the low nibble of byte i, q[i] for i ≥ 16 the high nibble of byte i − 16.
/// Formats/zoo-checkpoint-v1.md (section 3.4.1) specifies them byte by byte.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float32
    case float16
    case bfloat16
    case q8_0
    case q4_0
    case q4_1

    /// The element types, one value per element.
    public static let floatingPoint: [DType] = [.float32, .float16, .bfloat16]
    /// The block types.
    public static let quantized: [DType] = [.q8_0, .q4_0, .q4_1]

    public var isQuantized: Bool { blockSize > 1 }

    /// Elements per block: 1 for the float types, 32 for the block types.
    public var blockSize: Int {
        switch self {
        case .float32, .float16, .bfloat16: 1
        case .q8_0, .q4_0, .q4_1: 32
        }
    }

    /// Bytes per block (per element for the float types). Sizes of whole tensors: `byteCount(elements:)`.
    public var blockByteSize: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        case .q8_0: 34
        case .q4_0: 18
        case .q4_1: 20
        }
    }

    /// The alignment data of this type needs in memory: that of its widest field.
    public var alignment: Int { self == .float32 ? 4 : 2 }

    /// The bytes of `elements` elements, which for a block type must be whole blocks.
    public func byteCount(elements: Int) -> Int {
        precondition(elements % blockSize == 0, "\(elements) elements are not whole \(rawValue) blocks")
        return elements / blockSize * blockByteSize
    }

    /// Whether a tensor of `shape` can be stored in this type: always for the float types; for the block types,
    /// a shape of at least one dimension whose last is a multiple of the block size, so blocks never span rows.
    public func holds(shape: [Int]) -> Bool {
        guard isQuantized else { return true }
        guard let last = shape.last else { return false }
        return last % blockSize == 0
    }

    /// Accepts the canonical names of the float types and the short forms the CLI and other formats use
    /// (f32, fp16, bf16, ...). Block types are not among them: converting a whole model to one needs a choice of
    /// which tensors to quantize, so they are named by their raw value only.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "f32", "fp32": self = .float32
        case "float16", "f16", "fp16", "half": self = .float16
        case "bfloat16", "bf16": self = .bfloat16
        default: return nil
        }
    }
}

extension Float {
    /// The bfloat16 bits of this value, rounded to nearest even (NaN stays NaN), as PyTorch converts.
    @inlinable public var bfloat16Bits: UInt16 {
        let bits = bitPattern
        if isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    @inlinable public init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }
}
