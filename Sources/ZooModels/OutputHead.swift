import Synchronization
import ZooTensor

/// A decoder's output projection to the vocabulary, with the `ArgmaxScreen` its greedy steps use: built at the
/// first greedy step (never for a model only asked for logits), for float32 heads only. For a 16-bit head the
/// screen's Q8_0 copy would still be half the head's size, where a float32 head's is about a quarter, and it would
/// take as much more memory.
final class OutputHead: Sendable {
    let weight: Tensor
    let bias: Tensor?
    /// nil until the first greedy step; then the screen, or nil for a head without one.
    private let screen = Mutex<ArgmaxScreen??>(nil)

    init(weight: Tensor, bias: Tensor? = nil) {
        self.weight = weight
        self.bias = bias
    }

    var argmaxScreen: ArgmaxScreen? {
        screen.withLock { screen in
            if let built = screen { return built }
            let built = ArgmaxScreen(weight: weight, bias: bias)
            screen = .some(built)
            return built
        }
    }
}
