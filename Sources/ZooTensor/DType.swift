/// Element types a tensor can hold. Computation runs in float32; float16 and bfloat16 are storage types.
public enum DType: String, Sendable, CaseIterable, Codable {
    case float32
    case float16
    case bfloat16

    public var byteSize: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        }
    }

    /// Accepts the canonical names and the short forms the CLI and other formats use (f32, fp16, bf16, ...).
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
