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

    /// Applies the activation to every element of `x`, in place.
    public func apply(_ x: Tensor) {
        let values = x.mutableData
        let count = x.count
        switch self {
        case .geluTanh:
            let scale = Float((2 / Double.pi).squareRoot())
            for i in 0..<count {
                let v = values[i]
                values[i] = 0.5 * v * (1 + tanhf(scale * (v + 0.044715 * v * v * v)))
            }
        case .gelu:
            for i in 0..<count {
                let v = values[i]
                values[i] = 0.5 * v * (1 + erff(v * Float(0.5.squareRoot())))
            }
        case .relu:
            for i in 0..<count { values[i] = max(values[i], 0) }
        case .silu:
            for i in 0..<count { values[i] = values[i] / (1 + expf(-values[i])) }
        case .quickGelu:
            for i in 0..<count { values[i] = values[i] / (1 + expf(-1.702 * values[i])) }
        }
    }
}
