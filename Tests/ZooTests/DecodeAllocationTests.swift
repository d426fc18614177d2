import AllocationCounter
import Foundation
import Testing
import ZooModels
import ZooTensor
@testable import Zoo

/// The heap allocations `body` makes on the calling thread.
func allocations(_ body: () -> Void) -> Int {
    allocation_counter_set(true)
    body()
    let count = allocation_counter_count()
    allocation_counter_set(false)
    return count
}

/// A decode step allocates nothing, in decoder-only and encoder-decoder models. After the first step over a cache,
/// each step writes into the tensors the step before used, returns its logits in one of two buffers the model keeps,
/// and lends the bodies of its parallel loops to the pool's threads from its stack. (Counted on the calling thread;
/// the pool's threads run C kernels.)
@Suite struct DecodeAllocationTests {
    @Test func theCounterSeesAnAllocation() {
        #expect(allocations { _ = Tensor(zeros: [64]) } >= 1)
    }

    @Test(arguments: [("tiny-gpt2", nil), ("tiny-gpt2", .q8_0), ("tiny-gpt2-untied-f16", nil), ("tiny-llama", nil),
                      ("tiny-llama", .q4_1), ("tiny-llama-tied-bf16", nil)] as [(String, DType?)])
    func decodeStepsAllocateNothing(model name: String, dtype: DType?) throws {
        let (loaded, folder) = try convertedFixture(name, dtype: dtype)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let cache = model.makeCache(capacity: 32)
        let steps = (0..<8).map { [($0 * 37 + 5) % model.vocabularySize] }
        var logits = model.forward([3, 1, 4], cache: cache, allPositions: false)
        logits = model.forward(steps[0], cache: cache, allPositions: false)
        let count = allocations {
            for step in steps.dropFirst() { logits = model.forward(step, cache: cache, allPositions: false) }
        }
        #expect(count == 0)
        #expect(logits.shape == [1, model.vocabularySize])
        // Greedy steps too, once the first has built the head's screen.
        var token = model.greedyToken(after: steps[0], cache: cache)
        #expect(allocations { for step in steps.dropFirst() { token = model.greedyToken(after: step, cache: cache) } } == 0)
        #expect(token < model.vocabularySize)
    }

    /// The logits come back in reused memory, but never in memory the caller still holds: three steps' logits kept
    /// side by side keep their values.
    @Test func logitsTheCallerKeepsAreNeverOverwritten() throws {
        let (loaded, folder) = try convertedFixture("tiny-llama")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any CausalLanguageModel)
        let cache = model.makeCache(capacity: 8)
        _ = model.forward([3, 1, 4], cache: cache, allPositions: false)
        let kept = [5, 9, 2].map { model.forward([$0], cache: cache, allPositions: false) }
        let values = kept.map { $0.toArray() }
        _ = model.forward([6], cache: cache, allPositions: false)
        for (tensor, copy) in zip(kept, values) { #expect(tensor.toArray() == copy) }
        #expect(values[0] != values[1] && values[1] != values[2])
        #expect(Set(kept.map { $0.storage.base }).count == 3)
    }

    @Test(arguments: ["tiny-t5", "tiny-t5-v1_1", "tiny-bart", "tiny-bart-untied"])
    func sequenceToSequenceDecodeStepsAllocateNothing(model name: String) throws {
        let (loaded, folder) = try convertedFixture(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(loaded.model as? any SequenceToSequenceModel)
        let state = model.makeDecoderState(for: model.encode([5, 9, 2, 7, 1]), capacity: 32)
        let steps = (0..<8).map { [($0 * 37 + 5) % model.vocabularySize] }
        var logits = model.decode([0], state: state, allPositions: false)
        logits = model.decode(steps[0], state: state, allPositions: false)
        let count = allocations {
            for step in steps.dropFirst() { logits = model.decode(step, state: state, allPositions: false) }
        }
        #expect(count == 0)
        #expect(logits.shape == [1, model.vocabularySize])
        // Greedy steps too, once the first has built the head's screen.
        var token = model.greedyToken(after: steps[0], state: state)
        #expect(allocations { for step in steps.dropFirst() { token = model.greedyToken(after: step, state: state) } } == 0)
        #expect(token < model.vocabularySize)
    }

    /// Products and attention large enough to be split across the pool's threads; block weights with float and with
    /// int8 activations (whose quantized row, 1,280 bytes here, is past the size Swift keeps on the stack).
    @Test(arguments: [(DType.float32, false), (.float16, false), (.q8_0, false), (.q4_1, false), (.q8_0, true),
                      (.q4_1, true)])
    func parallelDecodeKernelsAllocateNothing(weightType: DType, int8Activations: Bool) {
        let inputs = 1024, outputs = 1024
        let x = Tensor(shape: [1, inputs], values: (0..<inputs).map { Float($0 % 7) / 7 })
        var weight = Tensor(shape: [outputs, inputs], values: (0..<outputs * inputs).map { Float($0 % 13) / 13 - 0.5 })
            .converted(to: weightType)
        weight.activations = int8Activations ? .int8 : .float32
        let out = Tensor(zeros: [1, outputs])
        linear(x, weight: weight, into: out)
        #expect(allocations { linear(x, weight: weight, into: out) } == 0)

        let heads = 4, headDim = 64, length = 300
        let cache = KVCache(layers: 1, capacity: length + 1, width: heads * headDim)
        cache.length = length
        let qkv = Tensor(zeros: [1, 3 * heads * headDim]), attended = Tensor(zeros: [1, heads * headDim])
        let q = qkv.data, width = heads * headDim
        let step = {
            causalSelfAttention(q: q, k: q + width, v: q + 2 * width, stride: 3 * width, rows: 1, heads: heads,
                                headDim: headDim, cache: cache, layer: 0, scale: 0.125, into: attended)
        }
        step()  // the first step over the cache makes room for its scores
        #expect(allocations(step) == 0)
    }
}
