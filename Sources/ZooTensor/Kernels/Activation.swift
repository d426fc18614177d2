import CZooFloat
import Foundation

/// The element-wise activations of feed-forward layers, named as Hugging Face configs name them.
public enum Activation: String, Sendable, CaseIterable {
    /// GPT-2's tanh approximation of GELU.
    case geluTanh
    /// The exact GELU with the error function.
    case gelu
    case relu
    case silu
    /// x · sigmoid(1.702 x), as in CLIP.
    case quickGelu

    /// The activation a Hugging Face `activation_function` / `hidden_act` value names, or nil.
    public init?(huggingFaceName name: String) {
        switch name {
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "gelu": self = .gelu
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        case "quick_gelu": self = .quickGelu
        default: return nil
        }
    }

    public static let huggingFaceNames = ["gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu", "silu", "swish",
                                          "quick_gelu"]

    /// Applies the activation to every element of `x`, in place, in parts across the cores for large tensors.
    /// The GELUs and SiLUs run the SIMD kernels of CZooFloat (their exponential is within 2 float32 ulps; the
    /// exact GELU's erf within 1.2e-7).
    public func apply(_ x: Tensor) {
        let values = x.mutableData
        Parallel.forRanges(x.count, granularity: 16, minimum: 32_768) { range in
            let part = values + range.lowerBound, count = range.count
            switch self {
            case .geluTanh: zoo_gelu_tanh(part, count)
            case .gelu: zoo_gelu_erf(part, count)
            case .relu: for i in 0..<count { part[i] = max(part[i], 0) }
            case .silu: zoo_silu(part, count, 1)
            case .quickGelu: zoo_silu(part, count, 1.702)
            }
        }
    }
}
